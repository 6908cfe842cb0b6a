//! Running commands: each one echoed, its failure an error that names it.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository's root (the directory above `xtask/`).
pub fn root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// A command to run from `dir` (relative to the root).
pub fn cmd(program: &str, args: &[&str], dir: &str) -> Command {
    let mut c = Command::new(program);
    c.args(args).current_dir(root().join(dir));
    c
}

/// Runs `c`, echoing it first; a non-zero exit is an error.
pub fn run(c: &mut Command) -> Result<(), String> {
    let shown = show(c);
    eprintln!("$ {shown}");
    let status = c
        .status()
        .map_err(|e| format!("cannot start `{shown}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{shown}` failed ({status})"))
    }
}

fn show(c: &Command) -> String {
    let mut s = c.get_program().to_string_lossy().into_owned();
    for a in c.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    if let Some(dir) = c.get_current_dir() {
        let rel = dir.strip_prefix(root()).unwrap_or(dir);
        if !rel.as_os_str().is_empty() {
            s = format!("(cd {} && {s})", rel.display());
        }
    }
    s
}
