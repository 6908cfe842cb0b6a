//! The data directory (`--data DIR`): the tenant's state on disk, written after each accepted
//! write and before its answer, so that a crash loses no acknowledged write.
//!
//! ```text
//! DIR/csa-serve.json          {"format": 1, "objects": N}: written last when DIR is seeded;
//!                             a DIR with it holds state and is resumed
//! DIR/catalog.json            the catalog in force (Graph's JSON, as `csa define --out` writes it)
//! DIR/seed.jsonl              the objects as seeded, one per line, in the objects file's order
//! DIR/objects/<id>.json       an object as its last accepted PATCH left it (overrides its line)
//! ```
//!
//! Every file is written atomically: a temporary file beside it, `fsync`, `rename`, `fsync` of
//! the directory. A PATCH costs one small file (the object) and two `fsync`s, whatever the
//! tenant's size; a definition write rewrites the catalog; seeding writes three files, not one
//! per object, and removes the object files of an earlier state (a DIR whose manifest was
//! removed). Temporary files left by a crash are removed when the directory is opened.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde_json::value::RawValue;

use super::state::Stored;
use super::ServeError;

const MANIFEST: &str = "csa-serve.json";
const CATALOG: &str = "catalog.json";
const SEED: &str = "seed.jsonl";
const OBJECTS: &str = "objects";
/// The layout's version, in the manifest.
const FORMAT: u64 = 1;

/// Whether `dir` holds state (its manifest).
pub(super) fn holds_state(dir: &Path) -> bool {
    dir.join(MANIFEST).is_file()
}

/// The data directory.
#[derive(Debug)]
pub(super) struct Store {
    dir: PathBuf,
    objects: PathBuf,
}

/// What a data directory holds when it is resumed.
pub(super) struct Saved {
    pub catalog: Vec<u8>,
    pub objects: Vec<Stored>,
}

impl Store {
    /// Opens `dir` (creating it if needed): its saved state, if it holds one.
    pub fn open(dir: &Path) -> Result<(Store, Option<Saved>), ServeError> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |error| ServeError::Data { path, error }
        };
        fs::create_dir_all(dir).map_err(io(dir))?;
        let objects = dir.join(OBJECTS);
        fs::create_dir_all(&objects).map_err(io(&objects))?;
        let store = Store {
            dir: dir.to_path_buf(),
            objects,
        };
        for d in [&store.dir, &store.objects] {
            remove_temporary(d).map_err(io(d))?;
        }
        let manifest = dir.join(MANIFEST);
        if !manifest.exists() {
            return Ok((store, None));
        }
        let saved = store.load(&manifest)?;
        Ok((store, Some(saved)))
    }

    fn load(&self, manifest: &Path) -> Result<Saved, ServeError> {
        let read = |path: PathBuf| {
            fs::read(&path).map_err(|error| ServeError::Data {
                path: path.clone(),
                error,
            })
        };
        let invalid = |path: &Path, reason: String| ServeError::DataInvalid {
            path: path.to_path_buf(),
            reason,
        };
        let m: serde_json::Value = serde_json::from_slice(&read(manifest.to_path_buf())?)
            .map_err(|e| invalid(manifest, e.to_string()))?;
        if m.get("format").and_then(serde_json::Value::as_u64) != Some(FORMAT) {
            return Err(invalid(
                manifest,
                format!("not a data directory of this csa (format {FORMAT} expected)"),
            ));
        }
        let expected = m.get("objects").and_then(serde_json::Value::as_u64);
        let catalog = read(self.dir.join(CATALOG))?;
        let seed_path = self.dir.join(SEED);
        let seed = read(seed_path.clone())?;
        let mut objects = Vec::new();
        for (n, line) in seed.split(|&b| b == b'\n').enumerate() {
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let raw: Box<RawValue> = serde_json::from_slice(line)
                .map_err(|e| invalid(&seed_path, format!("line {}: {e}", n + 1)))?;
            let seeded = Stored::from_raw(&raw)?;
            let file = self.object_path(seeded.id())?;
            let stored = match fs::read(&file) {
                Ok(bytes) => {
                    let raw: Box<RawValue> = serde_json::from_slice(&bytes)
                        .map_err(|e| invalid(&file, e.to_string()))?;
                    Stored::from_raw(&raw)?
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => seeded,
                Err(error) => return Err(ServeError::Data { path: file, error }),
            };
            objects.push(stored);
        }
        if expected != u64::try_from(objects.len()).ok() {
            return Err(invalid(
                &seed_path,
                format!(
                    "{} objects, but the manifest says {}",
                    objects.len(),
                    expected.map_or_else(|| "nothing".to_owned(), |n| n.to_string())
                ),
            ));
        }
        Ok(Saved { catalog, objects })
    }

    /// Seeds an empty directory: the catalog, the objects, then the manifest that makes it
    /// hold state.
    pub fn seed(&self, catalog: &[u8], objects: &[Stored]) -> Result<(), ServeError> {
        for stored in objects {
            // Every id must make a file name before anything is written.
            self.object_path(stored.id())?;
        }
        let mut seed = Vec::new();
        for stored in objects {
            seed.extend_from_slice(&stored.to_json());
            seed.push(b'\n');
        }
        let manifest = serde_json::json!({"format": FORMAT, "objects": objects.len()});
        // Object files of an earlier state (its manifest removed) would override the new seed
        // when it is resumed.
        self.remove_objects().map_err(|error| ServeError::Data {
            path: self.objects.clone(),
            error,
        })?;
        self.write(&self.dir, CATALOG, catalog)?;
        self.write(&self.dir, SEED, &seed)?;
        self.write(
            &self.dir,
            MANIFEST,
            &serde_json::to_vec(&manifest).unwrap_or_default(),
        )
    }

    /// Removes the object files (`objects/*.json`).
    fn remove_objects(&self) -> io::Result<()> {
        for entry in fs::read_dir(&self.objects)? {
            let path = entry?.path();
            if path.extension().is_some_and(|x| x == "json") {
                fs::remove_file(path)?;
            }
        }
        Ok(())
    }

    /// Writes the catalog in force.
    pub fn write_catalog(&self, catalog: &[u8]) -> Result<(), ServeError> {
        self.write(&self.dir, CATALOG, catalog)
    }

    /// Writes an object as an accepted PATCH left it.
    pub fn write_object(&self, stored: &Stored) -> Result<(), ServeError> {
        let path = self.object_path(stored.id())?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        self.write(&self.objects, &name, &stored.to_json())
    }

    /// `objects/<id>.json`, the id's bytes outside `[A-Za-z0-9_-]` written `%XX`.
    fn object_path(&self, id: &str) -> Result<PathBuf, ServeError> {
        let mut name = String::with_capacity(id.len() + 5);
        for b in id.bytes() {
            if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
                name.push(char::from(b));
            } else {
                name.push_str(&format!("%{b:02X}"));
            }
        }
        if name.is_empty() || name.len() > 200 {
            return Err(ServeError::DataInvalid {
                path: self.objects.clone(),
                reason: format!("the id `{id}` is too long to name a file"),
            });
        }
        name.push_str(".json");
        Ok(self.objects.join(name))
    }

    /// Writes `dir/name` atomically and durably.
    fn write(&self, dir: &Path, name: &str, bytes: &[u8]) -> Result<(), ServeError> {
        let path = dir.join(name);
        let tmp = dir.join(format!(".{name}.tmp"));
        let step = |error| ServeError::Data {
            path: path.clone(),
            error,
        };
        let mut file = File::create(&tmp).map_err(step)?;
        file.write_all(bytes).map_err(step)?;
        file.sync_all().map_err(step)?;
        drop(file);
        fs::rename(&tmp, &path).map_err(step)?;
        sync_dir(dir).map_err(step)
    }
}

/// `fsync` of a directory, so that a rename in it is durable.
fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Removes the temporary files (`.<name>.tmp`) a crash left in `dir`.
fn remove_temporary(dir: &Path) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') && name.ends_with(".tmp") {
            fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}
