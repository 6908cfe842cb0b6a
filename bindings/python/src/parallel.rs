//! A map over a slice on several threads, results in input order.

use std::sync::atomic::{AtomicUsize, Ordering};

/// The machine's cores (1 when it cannot say).
pub(crate) fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
}

/// The most threads a call may use.
pub(crate) const MAX_THREADS: usize = 256;

/// `items.iter().map(f)` on up to `threads` threads (this one among them; at most
/// [`MAX_THREADS`]), in input order.
///
/// Items are handed out in small chunks from a shared counter, so a thread that gets slow
/// items (or a busy core) takes fewer of them. A thread that cannot be started leaves its share
/// to the others. A panic in `f` is resumed on this thread once every thread has stopped.
pub(crate) fn map<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let threads = threads.clamp(1, items.len().clamp(1, MAX_THREADS));
    if threads == 1 {
        return items.iter().map(f).collect();
    }
    // Four chunks per thread at least, at most 16 items each: the last chunk a thread takes
    // is all the others may wait for.
    let chunk = (items.len() / (threads * 4)).clamp(1, 16);
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done: Vec<(usize, Vec<R>)> = Vec::new();
        loop {
            let start = next.fetch_add(chunk, Ordering::Relaxed);
            let Some(slice) = items.get(start..items.len().min(start.saturating_add(chunk))) else {
                break;
            };
            if slice.is_empty() {
                break;
            }
            done.push((start, slice.iter().map(&f).collect()));
        }
        done
    };
    let mut chunks = std::thread::scope(|s| {
        let handles: Vec<_> = (1..threads)
            .filter_map(|_| std::thread::Builder::new().spawn_scoped(s, work).ok())
            .collect();
        let mut chunks = work();
        let mut panic = None;
        for h in handles {
            match h.join() {
                Ok(done) => chunks.extend(done),
                Err(payload) => panic = Some(payload),
            }
        }
        if let Some(payload) = panic {
            std::panic::resume_unwind(payload);
        }
        chunks
    });
    chunks.sort_unstable_by_key(|(start, _)| *start);
    chunks.into_iter().flat_map(|(_, done)| done).collect()
}
