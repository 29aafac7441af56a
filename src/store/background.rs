//! A named thread that runs a task at a steady pace until it is stopped
//! (the counter flusher, the résumé refresher, the checkpointer). A failing
//! task is logged when its error changes, not every round.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::http::log;

pub struct Background {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Background {
    /// Runs `task` every `period`. The task is handed the stop flag, so long
    /// work can give up early when the server stops.
    pub fn every(
        name: &str,
        period: Duration,
        mut task: impl FnMut(&AtomicBool) -> Result<(), String> + Send + 'static,
    ) -> Result<Background, String> {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let label = name.to_string();
        let thread = std::thread::Builder::new()
            .name(name.into())
            .spawn(move || {
                let mut last_error = String::new();
                loop {
                    std::thread::park_timeout(period);
                    if flag.load(Ordering::SeqCst) {
                        return;
                    }
                    match task(&flag) {
                        Ok(()) => last_error.clear(),
                        Err(e) if e != last_error => {
                            log::line(&format!("{label} failed: {e}"));
                            last_error = e;
                        }
                        Err(_) => {}
                    }
                }
            })
            .map_err(|e| format!("cannot start the {name} thread: {e}"))?;
        Ok(Background {
            stop,
            thread: Some(thread),
        })
    }
}

impl Background {
    /// The thread, to wake it before its next round is due (`unpark`).
    pub fn thread(&self) -> Option<std::thread::Thread> {
        self.thread.as_ref().map(|t| t.thread().clone())
    }
}

impl Drop for Background {
    /// Stops the thread after the round it is in, and waits for it.
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            thread.thread().unpark();
            let _ = thread.join();
        }
    }
}
