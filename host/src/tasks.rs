//! Every loop the server runs beside serving, started in one place and
//! stopped in a declared order.
//!
//! [`App::run`](crate::server::App::run) registers each periodic job (usage
//! and counter flushers, …) with [`Tasks::every`], adopts loops other parts
//! start themselves (the plugin directory watcher and replica sync) with
//! [`Tasks::adopt`], and declares with [`Tasks::finally`] what must run once
//! the last request has drained (final flushes, then closing the pool).
//! [`Tasks::shutdown`] stops the loops between two runs of their job, so a
//! flush is never cut in half, then runs the final steps in the order given.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

type Step = Pin<Box<dyn Future<Output = ()> + Send>>;

#[derive(Default)]
pub struct Tasks {
    stop: CancellationToken,
    /// Our own loops: they stop at `stop`, between two runs of their job.
    loops: Vec<(&'static str, JoinHandle<()>)>,
    /// Loops started elsewhere, which know no `stop`: aborted.
    adopted: Vec<(&'static str, JoinHandle<()>)>,
    finally: Vec<(&'static str, Step)>,
}

impl Tasks {
    pub fn new() -> Self {
        Self::default()
    }

    /// Runs `job` every `interval` (the first run one interval from now)
    /// until shutdown.
    pub fn every<F, Fut>(&mut self, name: &'static str, interval: Duration, job: F)
    where
        F: Fn() -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send,
    {
        self.every_or_sooner(name, interval, std::future::pending::<()>, job);
    }

    /// Runs `job` every `interval`, and also whenever `early` resolves
    /// (the interval then starts again), until shutdown.
    pub fn every_or_sooner<F, Fut, E, EFut>(&mut self, name: &'static str, interval: Duration, early: E, job: F)
    where
        F: Fn() -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send,
        E: Fn() -> EFut + Send + 'static,
        EFut: Future<Output = ()> + Send,
    {
        let stop = self.stop.clone();
        let handle = tokio::spawn(async move {
            let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
            loop {
                tokio::select! {
                    biased;
                    _ = stop.cancelled() => break,
                    _ = tick.tick() => job().await,
                    () = early() => {
                        job().await;
                        tick.reset();
                    }
                }
            }
        });
        tracing::debug!(task = name, ?interval, "background task started");
        self.loops.push((name, handle));
    }

    /// Takes charge of loops started elsewhere; they are aborted at shutdown.
    pub fn adopt(&mut self, name: &'static str, handles: impl IntoIterator<Item = JoinHandle<()>>) {
        self.adopted.extend(handles.into_iter().map(|h| (name, h)));
    }

    /// Declares a step to run after the loops have stopped, after every step
    /// declared before it.
    pub fn finally(&mut self, name: &'static str, step: impl Future<Output = ()> + Send + 'static) {
        self.finally.push((name, Box::pin(step)));
    }

    /// Stops every loop, waits for our own to finish the job they are in,
    /// then runs the final steps in order.
    pub async fn shutdown(self) {
        self.stop.cancel();
        for (_, handle) in &self.adopted {
            handle.abort();
        }
        for (name, handle) in self.loops.into_iter().chain(self.adopted) {
            if let Err(error) = handle.await
                && error.is_panic()
            {
                tracing::error!(task = name, "background task panicked");
            }
        }
        for (name, step) in self.finally {
            tracing::debug!(step = name, "shutdown step");
            step.await;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::Mutex;

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn loops_run_until_shutdown_then_final_steps_run_in_order() {
        let log = Arc::new(Mutex::new(Vec::<String>::new()));
        let mut tasks = Tasks::new();
        let ticks = log.clone();
        tasks.every("tick", Duration::from_secs(1), move || {
            let ticks = ticks.clone();
            async move { ticks.lock().unwrap().push("tick".into()) }
        });
        tasks.adopt("idle", [tokio::spawn(std::future::pending::<()>())]);
        for step in ["flush", "close"] {
            let log = log.clone();
            tasks.finally(step, async move { log.lock().unwrap().push(step.into()) });
        }
        tokio::time::sleep(Duration::from_millis(3500)).await;
        tasks.shutdown().await;
        assert_eq!(*log.lock().unwrap(), ["tick", "tick", "tick", "flush", "close"]);
    }

    #[tokio::test(start_paused = true)]
    async fn an_early_wake_runs_the_job_and_restarts_the_interval() {
        let runs = Arc::new(Mutex::new(Vec::<u128>::new()));
        let wake = Arc::new(tokio::sync::Notify::new());
        let start = tokio::time::Instant::now();
        let mut tasks = Tasks::new();
        let (log, waker) = (runs.clone(), wake.clone());
        let early = move || {
            let waker = waker.clone();
            async move { waker.notified().await }
        };
        tasks.every_or_sooner("flush", Duration::from_secs(10), early, move || {
            let log = log.clone();
            async move { log.lock().unwrap().push(start.elapsed().as_millis()) }
        });
        tokio::time::sleep(Duration::from_secs(3)).await;
        wake.notify_one();
        tokio::time::sleep(Duration::from_secs(14)).await;
        tasks.shutdown().await;
        assert_eq!(*runs.lock().unwrap(), [3000, 13000], "woken at 3 s, then 10 s later");
    }
}
