//! Reading input files: a file, or standard input for `-` (at most one per call), read whole
//! up to a size cap; and the files of one command, in the order it reads and judges them.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use csa::{Document, InputError, Policy};

use crate::error::{Error, Invalid};

/// One input, read whole.
#[derive(Default)]
pub struct Input {
    /// How outputs name it (`patch.json`, `<stdin>`, `$filter`).
    pub label: String,
    pub bytes: Vec<u8>,
}

pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// The most csa reads of any one input file: the largest document the policy admits (a
/// catalog; 64 MiB by default). Reading stops there, so a huge or endless input (`/dev/zero`)
/// costs at most this much memory; the library's own, smaller bounds then apply to what was read.
pub fn cap(policy: &Policy) -> usize {
    policy.max_catalog_bytes.max(policy.max_body_bytes)
}

/// A file, or standard input for `-`, opened for buffered reading, with the label outputs use.
pub fn open(path: &Path, what: &str) -> Result<(String, Box<dyn BufRead>), Error> {
    if is_stdin(path) {
        return Ok(("<stdin>".to_owned(), Box::new(std::io::stdin().lock())));
    }
    match std::fs::File::open(path) {
        Ok(file) => Ok((path.display().to_string(), Box::new(BufReader::new(file)))),
        Err(e) => Err(read_error(path, what, e)),
    }
}

pub fn read_error(path: &Path, what: &str, error: std::io::Error) -> Error {
    Error::Unreadable {
        what: what.to_owned(),
        path: path.to_owned(),
        error,
    }
}

/// Reads a whole input of at most `cap` bytes; a longer one is refused after reading `cap + 1`
/// bytes of it, never more.
pub fn read(path: &Path, what: &str, cap: usize) -> Result<Input, Error> {
    let (label, reader) = open(path, what)?;
    let mut bytes = Vec::new();
    let limit = u64::try_from(cap).unwrap_or(u64::MAX).saturating_add(1);
    reader
        .take(limit)
        .read_to_end(&mut bytes)
        .map_err(|e| read_error(path, what, e))?;
    if bytes.len() > cap {
        return Err(Error::TooLarge {
            what: what.to_owned(),
            label,
            cap,
        });
    }
    Ok(Input { label, bytes })
}

/// The files of one command, in the order the command line reads them, each with the
/// document it holds.
///
/// `csa` reports the first problem in that order: a catalog that is not valid before an object
/// file that is not there. The library's commands take every document at once, so reading
/// stops at the first file that cannot be read (the files after it stand empty), the command
/// runs on what was read, and [`Files::settle`] keeps whichever problem comes first.
pub struct Files {
    files: Vec<File>,
    /// The first file that could not be read (or usage problem found while reading), and its
    /// place in reading order.
    failed: Option<(usize, Error)>,
}

struct File {
    /// What messages call it: `catalog`, `--to catalog`, `objects`, ...
    what: String,
    /// The document it holds, when the library may refuse it.
    document: Option<Document>,
    input: Input,
}

/// Where a file is among a command's [`Files`].
#[derive(Debug, Clone, Copy)]
pub struct Slot(usize);

impl Files {
    /// No file read yet; an error if more than one of `paths` is standard input.
    pub fn new(paths: &[Option<&Path>]) -> Result<Files, Error> {
        let n = paths.iter().flatten().filter(|p| is_stdin(p)).count();
        if n > 1 {
            return Err(Error::usage(format_args!(
                "standard input (`-`) can stand for only one FILE, but {n} were given"
            )));
        }
        Ok(Files {
            files: Vec::new(),
            failed: None,
        })
    }

    /// The policy file, read and parsed (the default policy without one): the caps of the
    /// other files depend on it, so it is read first and judged at once.
    pub fn policy(&mut self, path: Option<&Path>) -> Result<(Option<Slot>, Policy), Error> {
        // Read before any policy is known: bounded by the default one.
        let Some(slot) =
            self.read_optional(path, "policy", Document::Policy, cap(&Policy::default()))
        else {
            return Ok((None, Policy::default()));
        };
        let parsed = Policy::from_json(self.bytes(slot));
        let policy = self.settle(parsed)?;
        Ok((Some(slot), policy))
    }

    /// Reads the file at `path`, which holds `document` (`None`: nothing the library refuses as
    /// a document). Nothing is read after a file that could not be.
    pub fn read(
        &mut self,
        path: &Path,
        what: &str,
        document: impl Into<Option<Document>>,
        cap: usize,
    ) -> Slot {
        let input = if self.failed.is_some() {
            Input::default()
        } else {
            read(path, what, cap).unwrap_or_else(|e| {
                self.fail(e);
                Input::default()
            })
        };
        self.files.push(File {
            what: what.to_owned(),
            document: document.into(),
            input,
        });
        Slot(self.files.len() - 1)
    }

    /// [`Files::read`] for a file that may not be given.
    pub fn read_optional(
        &mut self,
        path: Option<&Path>,
        what: &str,
        document: impl Into<Option<Document>>,
        cap: usize,
    ) -> Option<Slot> {
        path.map(|p| self.read(p, what, document, cap))
    }

    /// A problem found at this point of the reading (a usage error between two files).
    pub fn fail(&mut self, error: Error) {
        if self.failed.is_none() {
            self.failed = Some((self.files.len(), error));
        }
    }

    pub fn input(&self, slot: Slot) -> &Input {
        self.files.get(slot.0).map_or(&EMPTY, |f| &f.input)
    }

    pub fn bytes(&self, slot: Slot) -> &[u8] {
        &self.input(slot).bytes
    }

    /// What the library made of the files read: its result, or the first problem in reading
    /// order (a document it refuses, or a file that could not be read).
    pub fn settle<T>(&mut self, result: Result<T, InputError>) -> Result<T, Error> {
        let failed_at = self.failed.as_ref().map_or(usize::MAX, |(at, _)| *at);
        match result {
            Err(error) => {
                let at = self
                    .files
                    .iter()
                    .position(|f| f.document == Some(error.document()));
                match (at, self.failed.take()) {
                    (Some(at), _) if at < failed_at => Err(self.invalid(error, at)),
                    (_, Some((_, failed))) => Err(failed),
                    (at, None) => Err(self.invalid(error, at.unwrap_or(usize::MAX))),
                }
            }
            Ok(value) => match self.failed.take() {
                Some((_, failed)) => Err(failed),
                None => Ok(value),
            },
        }
    }

    /// Every file was read (the first that could not be is the error).
    pub fn all_read(&mut self) -> Result<(), Error> {
        self.settle(Ok(()))
    }

    /// The library refuses the document of file `at`.
    fn invalid(&mut self, error: InputError, at: usize) -> Error {
        let (what, source, error) = match self.files.get_mut(at) {
            // Placed in the file's text, as the commands place what they read (the same again).
            Some(f) => {
                let error = error.located(&f.input.bytes);
                (f.what.clone(), std::mem::take(&mut f.input), error)
            }
            None => (
                error.document().as_str().to_owned(),
                Input::default(),
                error,
            ),
        };
        Error::Invalid(Box::new(Invalid {
            error,
            what,
            source,
        }))
    }

    /// The files holding `documents`, for pointing into them in text output.
    pub fn sources(&self, documents: &[Document]) -> crate::render::Sources<'_> {
        self.files
            .iter()
            .filter_map(|f| Some((f.document?, &f.input)))
            .filter(|(d, _)| documents.contains(d))
            .fold(crate::render::Sources::default(), |s, (d, input)| {
                s.with(d, input)
            })
    }
}

static EMPTY: Input = Input {
    label: String::new(),
    bytes: Vec::new(),
};
