//! `GET /metrics`: the daemon's state in the Prometheus text format (version 0.0.4),
//! for a workstation's existing monitoring. Training numbers come from the event
//! broadcast (the last step record), so a scrape never waits for the engine; request
//! counts and latency histograms come from the HTTP layer, per endpoint.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rlvr_client::metrics::StepRecord;
use rlvr_client::{TrainEvent, TrainState};

/// Upper bounds of the latency histogram buckets, seconds.
const BUCKETS: [f64; 11] = [0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0];

#[derive(Default)]
struct Histogram {
    /// Observations at or below each bound (cumulative, as exposed).
    le: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

impl Histogram {
    fn observe(&mut self, secs: f64) {
        for (n, bound) in self.le.iter_mut().zip(BUCKETS) {
            if secs <= bound {
                *n += 1;
            }
        }
        self.sum += secs;
        self.count += 1;
    }
}

/// Counters and gauges behind `/metrics`.
pub struct Metrics {
    started: Instant,
    in_flight: AtomicI64,
    requests: Mutex<BTreeMap<(&'static str, u16), u64>>,
    latency: Mutex<BTreeMap<&'static str, Histogram>>,
    serve_tokens: AtomicU64,
    serve_generate_us: AtomicU64,
    steps_seen: AtomicU64,
    last_step: Mutex<Option<StepRecord>>,
    train_state: Mutex<Option<TrainState>>,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            started: Instant::now(),
            in_flight: AtomicI64::new(0),
            requests: Mutex::default(),
            latency: Mutex::default(),
            serve_tokens: AtomicU64::new(0),
            serve_generate_us: AtomicU64::new(0),
            steps_seen: AtomicU64::new(0),
            last_step: Mutex::default(),
            train_state: Mutex::default(),
        }
    }
}

/// The endpoint label of a request path (a fixed set: labels must not grow with input).
pub fn endpoint(path: &str) -> &'static str {
    match path {
        "/" => "jsonrpc",
        "/v1/completions" => "/v1/completions",
        "/v1/chat/completions" => "/v1/chat/completions",
        "/v1/models" => "/v1/models",
        "/infill" => "/infill",
        "/health" => "/health",
        "/api/generate" => "/api/generate",
        "/api/tags" => "/api/tags",
        "/api/version" => "/api/version",
        "/metrics" => "/metrics",
        _ => "other",
    }
}

impl Metrics {
    /// Keep the training gauges current from the daemon's event broadcast.
    pub fn follow(self: &std::sync::Arc<Self>, mut events: tokio::sync::broadcast::Receiver<TrainEvent>) {
        let me = self.clone();
        tokio::spawn(async move {
            loop {
                match events.recv().await {
                    Ok(TrainEvent::Step { record }) => {
                        me.steps_seen.fetch_add(1, Ordering::Relaxed);
                        *me.last_step.lock().expect("metrics lock") = Some(record);
                    }
                    Ok(TrainEvent::State { state }) => *me.train_state.lock().expect("metrics lock") = Some(state),
                    Ok(_) => {}
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                }
            }
        });
    }

    pub fn request_started(&self) {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
    }

    /// A request answered (headers sent) after `elapsed`.
    pub fn request_done(&self, endpoint: &'static str, status: u16, elapsed: Duration) {
        self.in_flight.fetch_sub(1, Ordering::Relaxed);
        *self.requests.lock().expect("metrics lock").entry((endpoint, status)).or_default() += 1;
        self.latency.lock().expect("metrics lock").entry(endpoint).or_default().observe(elapsed.as_secs_f64());
    }

    /// An editor completion finished: its tokens and decoding time.
    pub fn served(&self, tokens: usize, generate_s: f64) {
        self.serve_tokens.fetch_add(tokens as u64, Ordering::Relaxed);
        self.serve_generate_us.fetch_add((generate_s * 1e6) as u64, Ordering::Relaxed);
    }

    /// The exposition text.
    pub fn render(&self, model_loaded: bool) -> String {
        let mut out = String::new();
        let mut gauge = |name: &str, help: &str, value: f64| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}");
        };
        gauge("rlvrd_uptime_seconds", "Seconds since the HTTP endpoint started.", self.started.elapsed().as_secs_f64());
        gauge("rlvrd_model_loaded", "1 when the model is loaded and serving.", f64::from(u8::from(model_loaded)));
        gauge(
            "rlvrd_http_requests_in_flight",
            "Requests being answered now (queued for or running in the engine).",
            self.in_flight.load(Ordering::Relaxed) as f64,
        );
        let state = *self.train_state.lock().expect("metrics lock");
        gauge("rlvrd_training_running", "1 while training runs (0 paused or stopped).", f64::from(u8::from(state == Some(TrainState::Running))));
        if let Some(r) = self.last_step.lock().expect("metrics lock").as_ref() {
            gauge("rlvrd_train_step", "The last finished trainer step.", r.step as f64);
            gauge("rlvrd_train_reward_mean", "Mean reward of the last step.", r.mean_reward);
            gauge("rlvrd_train_pass_rate", "Share of the last step's completions passing all tests.", r.pass_rate);
            gauge("rlvrd_train_zero_variance_fraction", "Share of the last step's groups with equal rewards (no gradient).", r.zero_variance_frac);
            gauge("rlvrd_train_completion_tokens_mean", "Mean completion length of the last step, tokens.", r.completion_length.mean_tokens);
            gauge("rlvrd_train_loss", "Loss of the last step.", r.loss);
            let _ = writeln!(out, "# HELP rlvrd_train_step_phase_seconds Seconds of the last step per phase.\n# TYPE rlvrd_train_step_phase_seconds gauge");
            for (phase, s) in [("generate", r.generate_s), ("verify", r.verify_s), ("update", r.update_s)] {
                let _ = writeln!(out, "rlvrd_train_step_phase_seconds{{phase=\"{phase}\"}} {s}");
            }
        }
        let counter = |out: &mut String, name: &str, help: &str, value: f64| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}");
        };
        counter(&mut out, "rlvrd_train_steps_total", "Trainer steps finished since the endpoint started.", self.steps_seen.load(Ordering::Relaxed) as f64);
        counter(&mut out, "rlvrd_serve_completion_tokens_total", "Tokens generated for editor requests.", self.serve_tokens.load(Ordering::Relaxed) as f64);
        counter(
            &mut out,
            "rlvrd_serve_generate_seconds_total",
            "Seconds spent decoding editor requests (tokens/s = rate of the tokens over the rate of this).",
            self.serve_generate_us.load(Ordering::Relaxed) as f64 / 1e6,
        );
        let _ = writeln!(out, "# HELP rlvrd_http_requests_total Requests answered, per endpoint and HTTP status.\n# TYPE rlvrd_http_requests_total counter");
        for ((endpoint, status), n) in self.requests.lock().expect("metrics lock").iter() {
            let _ = writeln!(out, "rlvrd_http_requests_total{{endpoint=\"{endpoint}\",status=\"{status}\"}} {n}");
        }
        let _ = writeln!(
            out,
            "# HELP rlvrd_http_request_duration_seconds Time to the response headers (streams: to the first chunk), per endpoint.\n# TYPE rlvrd_http_request_duration_seconds histogram"
        );
        for (endpoint, h) in self.latency.lock().expect("metrics lock").iter() {
            for (bound, n) in BUCKETS.iter().zip(h.le) {
                let _ = writeln!(out, "rlvrd_http_request_duration_seconds_bucket{{endpoint=\"{endpoint}\",le=\"{bound}\"}} {n}");
            }
            let _ = writeln!(out, "rlvrd_http_request_duration_seconds_bucket{{endpoint=\"{endpoint}\",le=\"+Inf\"}} {}", h.count);
            let _ = writeln!(out, "rlvrd_http_request_duration_seconds_sum{{endpoint=\"{endpoint}\"}} {}", h.sum);
            let _ = writeln!(out, "rlvrd_http_request_duration_seconds_count{{endpoint=\"{endpoint}\"}} {}", h.count);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_buckets_are_cumulative_and_labels_are_bounded() {
        let m = Metrics::default();
        for ms in [10, 70, 70, 3000] {
            m.request_started();
            m.request_done(endpoint("/v1/completions"), 200, Duration::from_millis(ms));
        }
        m.request_started();
        m.request_done(endpoint("/some/attacker/chosen/path"), 404, Duration::from_millis(1));
        let text = m.render(true);
        assert!(text.contains("rlvrd_http_request_duration_seconds_bucket{endpoint=\"/v1/completions\",le=\"0.025\"} 1\n"), "{text}");
        assert!(text.contains("rlvrd_http_request_duration_seconds_bucket{endpoint=\"/v1/completions\",le=\"0.1\"} 3\n"));
        assert!(text.contains("rlvrd_http_request_duration_seconds_bucket{endpoint=\"/v1/completions\",le=\"2.5\"} 3\n"));
        assert!(text.contains("rlvrd_http_request_duration_seconds_bucket{endpoint=\"/v1/completions\",le=\"+Inf\"} 4\n"));
        assert!(text.contains("rlvrd_http_request_duration_seconds_count{endpoint=\"/v1/completions\"} 4\n"));
        assert!(text.contains("rlvrd_http_requests_total{endpoint=\"other\",status=\"404\"} 1\n"));
        assert!(text.contains("rlvrd_http_requests_in_flight 0\n"));
        assert!(!text.contains("attacker"));
    }
}
