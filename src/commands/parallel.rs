//! [`Batch`]: many independent items decided on several threads, answered in input order,
//! with a bounded number of items in flight.

use std::collections::VecDeque;
use std::num::NonZeroUsize;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Mutex, PoisonError, TryLockError};
use std::thread;

/// How a batch is run: on how many threads (`jobs`), with at most how many items in flight
/// (`window`: read from the input but not yet handed to the sink).
///
/// [`Batch::run`] pulls items from an iterator on the calling thread, decides them on `jobs`
/// scoped threads ([`std::thread::scope`]; no pool outlives the call, no thread-pool crate is
/// imposed on the caller), and hands each result to a sink on the calling thread, **in input
/// order**, as soon as it and every result before it are ready. Reading and writing stay on the
/// caller's thread, so the iterator and the sink need not be `Send` (a locked stdin, a locked
/// stdout); only the items, the results and the decision cross threads.
///
/// Memory is bounded by the window, not by the input: at most `window` items are held at once
/// (queued, being decided, or decided and waiting for an earlier one), so a batch of millions of
/// lines costs as much as `window` lines. A slow item holds back the output after it, never the
/// work: the other threads go on with the next items until the window is full.
///
/// The threads hand results back in groups (up to 16 at a time, or fewer as soon as a thread
/// runs out of queued items), so the threads and the caller wake each other once per group, not
/// once per item: with items of a few microseconds each, per-item hand-offs would cost about as
/// much as the work. The default window (32 items per thread) leaves room for every thread to
/// hold a group and have as many queued.
///
/// Each item is decided on its own: a bad item is its own result (the decision returns it as
/// data, as [`super::BatchLine`] does), never the end of the batch. The sink can stop the batch
/// by returning an error (a closed pipe); the items already taken are then dropped undecided.
///
/// Why a type here and not `Engine::check_batch`: the engine decides one request; what an item
/// is (a JSON line, a row of a table, a Python `dict`), how it is read and where its answer goes
/// are the caller's. `Batch` owns only what is hard to get right (order, a bounded window,
/// stopping, panics), and the decision is any `Fn(T) -> R + Sync` (usually a call to
/// [`super::BatchLine::check`] or [`super::BatchLine::plan`] on one shared `Engine`, which is
/// `Send + Sync`).
///
/// ```
/// use std::num::NonZeroUsize;
/// use csa::commands::{Batch, BatchLine};
/// use csa::{Catalog, Engine, Policy};
///
/// let catalog = Catalog::from_json(br#"{"attributeSets": [{"id": "Engineering"}],
///   "customSecurityAttributeDefinitions": [{"attributeSet": "Engineering", "name": "Site",
///   "type": "String", "isCollection": false, "isSearchable": true, "status": "Available",
///   "usePreDefinedValuesOnly": false}]}"#)?;
/// let engine = Engine::new(catalog, Policy::default());
/// let set = "#Microsoft.DirectoryServices.CustomSecurityAttributeValue";
/// let jsonl = format!(
///     "{{\"object\": {{\"id\": \"u1\"}}, \"patch\": {{\"customSecurityAttributes\": \
///        {{\"Engineering\": {{\"@odata.type\": \"{set}\", \"Site\": \"Oslo\"}}}}}}}}\n\
///      not json\n\
///      {{\"object\": {{\"id\": \"u2\"}}, \"patch\": {{\"customSecurityAttributes\": \
///        {{\"Engineering\": {{\"@odata.type\": \"{set}\", \"Sight\": \"Oslo\"}}}}}}}}\n"
/// );
///
/// let mut out = Vec::new();
/// Batch::new(NonZeroUsize::new(4).unwrap_or(NonZeroUsize::MIN)).run(
///     jsonl.lines().enumerate().map(|(i, line)| (i + 1, line)),
///     |(n, line)| BatchLine::check(&engine, None, (n, line.as_bytes()), None, false),
///     |line| {
///         out.extend(line.map(|l| serde_json::to_value(&l)));
///         Ok::<(), std::convert::Infallible>(())
///     },
/// )?;
/// let out = out.into_iter().collect::<Result<Vec<_>, _>>()?;
/// assert_eq!(out.len(), 3);
/// assert_eq!(out[0]["line"], 1);
/// assert_eq!(out[0]["allowed"], true);
/// assert_eq!(out[1]["line"], 2);
/// assert_eq!(out[1]["error"], "invalid_line");
/// assert_eq!(out[2]["objectId"], "u2");
/// assert_eq!(out[2]["violations"][0]["code"], "unknown_attribute");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub struct Batch {
    jobs: NonZeroUsize,
    window: Option<NonZeroUsize>,
}

impl Batch {
    /// A batch run on `jobs` threads (1: on the calling thread, no thread started), with the
    /// default window of 32 items per thread.
    pub fn new(jobs: NonZeroUsize) -> Self {
        Self { jobs, window: None }
    }

    /// At most `window` items in flight (raised to `jobs` if smaller: every thread needs one).
    pub fn window(mut self, window: NonZeroUsize) -> Self {
        self.window = Some(window);
        self
    }

    /// The number of threads.
    pub fn jobs(&self) -> NonZeroUsize {
        self.jobs
    }

    /// The most items in flight at once (1 on one thread: each item is decided and handed on
    /// before the next is taken).
    pub fn window_size(&self) -> NonZeroUsize {
        if self.jobs == NonZeroUsize::MIN {
            return NonZeroUsize::MIN;
        }
        // Room for every thread to keep a full message of results and have as many queued.
        let default = self
            .jobs
            .saturating_mul(NonZeroUsize::MIN.saturating_add(1))
            .saturating_mul(NonZeroUsize::MIN.saturating_add(RESULTS_PER_MESSAGE - 1));
        self.window.unwrap_or(default).max(self.jobs)
    }

    /// Decides every item of `items` with `decide` and hands the results to `sink` in input
    /// order; stops at the first error of `sink` and returns it.
    ///
    /// # Panics
    ///
    /// Only if `decide` panics: the batch then stops taking items, the threads finish, and the
    /// panic goes on on the calling thread (as with [`std::thread::scope`]). A panic of the
    /// iterator or of `sink` goes on the same way, once the threads have finished. The deciders
    /// of this crate do not panic.
    pub fn run<I, T, R, E, F, S>(&self, items: I, decide: F, mut sink: S) -> Result<(), E>
    where
        I: IntoIterator<Item = T>,
        T: Send,
        R: Send,
        F: Fn(T) -> R + Sync,
        S: FnMut(R) -> Result<(), E>,
    {
        let jobs = self.jobs.get();
        if jobs == 1 {
            return items.into_iter().try_for_each(|item| sink(decide(item)));
        }
        let window = self.window_size().get();
        // Work: (sequence number, item). Never more than `window` queued, so sends never block.
        let (work_tx, work_rx) = mpsc::sync_channel::<(usize, T)>(window);
        let work_rx = Mutex::new(work_rx);
        let (done_tx, done_rx) = mpsc::channel::<Decided<R>>();
        let stop = AtomicBool::new(false);
        let ended = thread::scope(|scope| {
            for _ in 0..jobs {
                let done_tx = done_tx.clone();
                let (work_rx, decide, stop) = (&work_rx, &decide, &stop);
                scope.spawn(move || work(work_rx, decide, stop, &done_tx));
            }
            drop(done_tx);
            let ended = feed(items, &work_tx, &done_rx, window, &mut sink);
            stop.store(true, Ordering::Relaxed);
            // The threads end once the queue is empty and closed. The queue is moved into this
            // closure, so a panic of `items` or `sink` in `feed` closes it too (the scope then
            // joins the threads instead of waiting for them forever).
            drop(work_tx);
            ended
        });
        match ended {
            Ended::Done => Ok(()),
            Ended::Sink(e) => Err(e),
            Ended::Panicked(payload) => panic::resume_unwind(payload),
        }
    }
}

/// Results handed back at most this many at a time: one message (and at most one wake-up of
/// the calling thread) per group rather than per item. A thread sends what it holds sooner when
/// it runs out of work: it never waits for work while holding results.
const RESULTS_PER_MESSAGE: usize = 16;

/// What a thread hands back: results in the order it decided them, each with its sequence
/// number, and the panic that ended its last item, if one did.
struct Decided<R> {
    results: Vec<(usize, R)>,
    panicked: Option<Box<dyn std::any::Any + Send + 'static>>,
}

/// One thread's loop: take the next item, decide it, keep its result; send the results kept
/// once there are [`RESULTS_PER_MESSAGE`] of them or the queue is empty (before waiting for
/// more work), or at once when a decision panics.
fn work<T, R>(
    work_rx: &Mutex<mpsc::Receiver<(usize, T)>>,
    decide: &(impl Fn(T) -> R + Sync),
    stop: &AtomicBool,
    done_tx: &mpsc::Sender<Decided<R>>,
) {
    let mut kept: Vec<(usize, R)> = Vec::with_capacity(RESULTS_PER_MESSAGE);
    let send = |kept: &mut Vec<(usize, R)>, panicked| {
        let results = std::mem::replace(kept, Vec::with_capacity(RESULTS_PER_MESSAGE));
        done_tx.send(Decided { results, panicked }).is_ok()
    };
    loop {
        // A thread waits (for the lock or for work) only with nothing kept: a result kept by a
        // waiting thread could be the one the caller waits for, with no more work coming until
        // it is handed over.
        let next = if kept.is_empty() {
            // The lock is held only while taking the next item (or waiting for it).
            let rx = work_rx.lock().unwrap_or_else(PoisonError::into_inner);
            rx.recv().map_err(drop)
        } else {
            let rx = match work_rx.try_lock() {
                Ok(rx) => Some(rx),
                Err(TryLockError::Poisoned(e)) => Some(e.into_inner()),
                Err(TryLockError::WouldBlock) => None,
            };
            match rx.map(|rx| rx.try_recv()) {
                Some(Ok(next)) => Ok(next),
                Some(Err(mpsc::TryRecvError::Disconnected)) => Err(()),
                // Out of work, or another thread waiting for it: hand back what is kept first.
                Some(Err(mpsc::TryRecvError::Empty)) | None => {
                    if !send(&mut kept, None) {
                        return;
                    }
                    continue;
                }
            }
        };
        let Ok((seq, item)) = next else { break };
        if stop.load(Ordering::Relaxed) {
            continue; // drain what is queued without deciding it
        }
        match panic::catch_unwind(AssertUnwindSafe(|| decide(item))) {
            Ok(result) => {
                kept.push((seq, result));
                if kept.len() >= RESULTS_PER_MESSAGE && !send(&mut kept, None) {
                    return;
                }
            }
            Err(payload) => {
                let _ = send(&mut kept, Some(payload));
                return;
            }
        }
    }
    if !kept.is_empty() {
        let _ = send(&mut kept, None);
    }
}

/// Why the calling thread's loop ended.
enum Ended<E> {
    Done,
    Sink(E),
    Panicked(Box<dyn std::any::Any + Send + 'static>),
}

/// The calling thread's loop: keep up to `window` items in flight, and hand results to `sink`
/// in order. `pending[i]` is the result of item `next_out + i`, once decided.
fn feed<T, R, E>(
    items: impl IntoIterator<Item = T>,
    work_tx: &mpsc::SyncSender<(usize, T)>,
    done_rx: &mpsc::Receiver<Decided<R>>,
    window: usize,
    sink: &mut impl FnMut(R) -> Result<(), E>,
) -> Ended<E> {
    let mut items = items.into_iter();
    let mut pending: VecDeque<Option<R>> = VecDeque::with_capacity(window);
    let mut next_out = 0usize;
    let mut exhausted = false;
    loop {
        while !exhausted && pending.len() < window {
            match items.next() {
                Some(item) => {
                    let seq = next_out.saturating_add(pending.len());
                    if work_tx.send((seq, item)).is_err() {
                        // Every thread is gone: only a panic does that, and it is reported.
                        exhausted = true;
                    } else {
                        pending.push_back(None);
                    }
                }
                None => exhausted = true,
            }
        }
        if pending.is_empty() {
            return Ended::Done;
        }
        match done_rx.recv() {
            Ok(Decided { results, panicked }) => {
                for (seq, result) in results {
                    let slot = seq.checked_sub(next_out).and_then(|i| pending.get_mut(i));
                    if let Some(slot) = slot {
                        *slot = Some(result);
                    }
                }
                if let Some(payload) = panicked {
                    return Ended::Panicked(payload);
                }
            }
            // No thread left to answer: cannot happen while items are pending, as threads
            // only end once the queue is closed; end rather than wait forever.
            Err(_) => return Ended::Done,
        }
        while matches!(pending.front(), Some(Some(_))) {
            let Some(Some(result)) = pending.pop_front() else {
                break;
            };
            next_out = next_out.saturating_add(1);
            if let Err(e) = sink(result) {
                return Ended::Sink(e);
            }
        }
    }
}
