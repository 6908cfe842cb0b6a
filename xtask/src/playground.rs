//! The `playground` suite (placeholder, filled in with the playground).

/// Builds the playground and runs its browser tests.
pub fn run_suite() -> Result<(), String> {
    Ok(())
}
