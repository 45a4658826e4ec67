//! The daemon training while serving, end to end with the tiny random model (real
//! python3 and ruff): events over a subscription, completions during training,
//! pause / resume, checkpoint on shutdown, tasks edited during training, and exact
//! resume after kill -9 (also in the middle of a checkpoint write).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rlvr_client::client::{Connection, Subscription, WsClient};
use rlvr_client::{CompleteParams, RlvrApiClient, TrainEvent, TrainState};
use rlvr_tests::{repo_root, Daemon};
use serde_json::Value;

fn write_task(root: &Path, name: &str, func: &str) {
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("task.toml"), format!("id = \"{name}\"\nprompt = \"Write a function {func}(x) that returns x.\"\nsplit = \"train\"\n")).unwrap();
    std::fs::write(dir.join("test_task.py"), format!("assert {func}(1) == 1\nassert {func}('a') == 'a'\n")).unwrap();
}

/// A daemon on the tiny model, not training until asked.
fn tiny_daemon(dir: tempfile::TempDir, tasks: &Path, extra: &str) -> Daemon {
    tiny_daemon_env(dir, tasks, extra, &[])
}

fn tiny_daemon_env(dir: tempfile::TempDir, tasks: &Path, extra: &str, env: &[(&str, &str)]) -> Daemon {
    let model = repo_root().join("tests/fixtures/tiny-llama");
    let cfg = format!(
        "[model]\npath = \"{}\"\nchat_template = \"none\"\nmax_seq_len = 256\n\
         [tasks]\ndir = \"{}\"\n\
         [rl]\ngroup_size = 2\ntasks_per_step = 2\nmax_new_tokens = 8\nautostart = false\nseed = 7\nlr = 1e-3\nwarmup_steps = 0\n\
         [sandbox]\ntimeout_s = 5.0\n\
         [rpc]\nlisten = \"127.0.0.1:0\"\n{extra}",
        model.display(),
        tasks.display()
    );
    Daemon::start_env(dir, &cfg, env)
}

async fn ws(d: &Daemon) -> WsClient {
    match Connection::open(&d.url.replace("http://", "ws://"), Some(&d.token()), Duration::from_secs(60)).await.unwrap() {
        Connection::Ws(c) => c,
        Connection::Http(_) => unreachable!(),
    }
}

async fn futures_join_all<F>(fs: impl IntoIterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = fs.into_iter().map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.expect("task"));
    }
    out
}

async fn wait_loaded(c: &impl RlvrApiClient) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let st = c.status().await.unwrap();
        if st.model.is_some() {
            return;
        }
        assert!(Instant::now() < deadline, "model not loaded: {st:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn next_step(sub: &mut Subscription<TrainEvent>, within: Duration) -> rlvr_client::metrics::StepRecord {
    let deadline = Instant::now() + within;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let ev = tokio::time::timeout(left, sub.next()).await.expect("a step event in time").expect("subscription open").unwrap();
        if let TrainEvent::Step { record } = ev {
            return record;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trains_while_serving_with_pause_resume_and_checkpoint_on_shutdown() {
    let dir = tempfile::tempdir().unwrap();
    let tasks = dir.path().join("tasks");
    write_task(&tasks, "ident-a", "ident_a");
    write_task(&tasks, "ident-b", "ident_b");
    let mut d = tiny_daemon(dir, &tasks, "");
    let c = ws(&d).await;
    wait_loaded(&c).await;
    let mut sub = c.train_subscribe().await.unwrap();
    let st = c.train_start().await.unwrap();
    assert_eq!(st.state, TrainState::Running);

    let mut steps = vec![];
    for i in 0..3 {
        steps.push(next_step(&mut sub, Duration::from_secs(120)).await.step);
        if i == 0 {
            // A completion during training is served between units of training work.
            let t = Instant::now();
            let r = c.complete(CompleteParams { prefix: "def f(x):\n".into(), max_tokens: Some(8), ..Default::default() }).await.unwrap();
            assert!(r.completion_tokens >= 1 && r.completion_tokens <= 8);
            assert!(t.elapsed() < Duration::from_secs(30), "completion took {:?}", t.elapsed());
        }
    }
    assert_eq!(steps, vec![1, 2, 3]);

    // Streaming: deltas as they are produced, then the whole result.
    let mut stream = c.complete_stream(CompleteParams { prefix: "x = ".into(), max_tokens: Some(8), ..Default::default() }).await.unwrap();
    let mut text = String::new();
    let done = loop {
        match tokio::time::timeout(Duration::from_secs(60), stream.next()).await.unwrap().unwrap().unwrap() {
            rlvr_client::StreamChunk::Delta { text: t } => text.push_str(&t),
            rlvr_client::StreamChunk::Done { result } => break result,
            rlvr_client::StreamChunk::Error { message, .. } => panic!("{message}"),
        }
    };
    assert_eq!(text, done.text, "the deltas add up to the result");
    assert!(done.completion_tokens >= 1);

    // 20 concurrent completions while training: every one is served.
    let http = match Connection::open(&d.url, Some(&d.token()), Duration::from_secs(120)).await.unwrap() {
        Connection::Http(h) => h,
        Connection::Ws(_) => unreachable!(),
    };
    let calls = (0..20).map(|i| {
        let http = http.clone();
        async move { http.complete(CompleteParams { prefix: format!("def f{i}(x):\n"), max_tokens: Some(4), ..Default::default() }).await }
    });
    let results = futures_join_all(calls).await;
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 20, "{:?}", results.iter().find(|r| r.is_err()));

    let paused = c.train_pause().await.unwrap();
    assert_eq!(paused.state, TrainState::Paused);
    tokio::time::sleep(Duration::from_secs(3)).await;
    let still = c.train_status().await.unwrap();
    assert_eq!(still.step, paused.step, "no step progress while paused");
    assert_eq!(c.status().await.unwrap().state, rlvr_client::DaemonState::Paused);
    c.train_resume().await.unwrap();
    // Step events from before the pause may still be queued on the subscription.
    let after = loop {
        let r = next_step(&mut sub, Duration::from_secs(120)).await;
        if r.step > still.step {
            break r;
        }
    };
    assert_eq!(after.step, still.step + 1, "training continues where it paused");

    c.shutdown().await.unwrap();
    let status = d.wait_exit(Duration::from_secs(60)).expect("daemon exits");
    assert!(status.success());
    let ckpts = d.state_dir().join("checkpoints");
    let latest = std::fs::read_to_string(ckpts.join("latest")).expect("latest pointer");
    let saved_step: u64 = latest.trim().trim_start_matches("step-").parse().unwrap();
    assert!(saved_step >= after.step, "shutdown checkpoint {latest} covers step {}", after.step);
    assert!(ckpts.join(latest.trim()).join("adapter/adapter_model.safetensors").is_file());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tasks_edited_during_training_are_picked_up() {
    let dir = tempfile::tempdir().unwrap();
    let tasks = dir.path().join("tasks");
    write_task(&tasks, "old-task", "old_f");
    let d = tiny_daemon(dir, &tasks, "");
    let c = ws(&d).await;
    wait_loaded(&c).await;
    let mut sub = c.train_subscribe().await.unwrap();
    c.train_start().await.unwrap();
    let first = next_step(&mut sub, Duration::from_secs(120)).await;
    assert!(first.tasks.iter().all(|t| t.contains("old-task")));

    write_task(&tasks, "new-task", "new_f");
    std::fs::remove_dir_all(tasks.join("old-task")).unwrap();
    std::fs::write(tasks.join("broken.jsonl"), "{not json\n").unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let page = c.tasks_list(None, None, None).await.unwrap();
        let ids: Vec<String> = page.items.iter().map(|t| t.id.clone()).collect();
        if ids.iter().any(|i| i.contains("new-task")) && !ids.iter().any(|i| i.contains("old-task")) {
            break;
        }
        assert!(Instant::now() < deadline, "store did not pick up the edits: {ids:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(c.tasks_errors().await.unwrap().iter().any(|e| e.file.contains("broken.jsonl")));
    // Steps already queued or in flight may still use the old task; any step started
    // after the store changed may not.
    let changed_at = c.train_status().await.unwrap().step;
    let mut checked = 0;
    while checked < 2 {
        let r = next_step(&mut sub, Duration::from_secs(120)).await;
        if r.step <= changed_at + 1 {
            continue;
        }
        assert!(r.tasks.iter().all(|t| t.contains("new-task")), "step {} sampled {:?}", r.step, r.tasks);
        checked += 1;
    }
}

/// Step records without timing fields, for comparing runs.
fn comparable(state: &Path, step: u64) -> Value {
    let text = std::fs::read_to_string(state.join("metrics.jsonl")).unwrap();
    let rec: Value = text
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|r| r["kind"] == "step" && r["step"] == step)
        .unwrap_or_else(|| panic!("no record of step {step} in {text}"));
    let mut rec = rec;
    for k in ["time", "generate_s", "verify_s", "update_s", "rollout_peak_rss_bytes", "update_peak_rss_bytes"] {
        rec.as_object_mut().unwrap().remove(k);
    }
    rec
}

fn wait_for_step(state: &Path, step: u64, within: Duration) {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if let Ok(t) = std::fs::read_to_string(state.join("metrics.jsonl")) {
            if t.lines().filter_map(|l| serde_json::from_str::<Value>(l).ok()).any(|r| r["step"] == step) {
                return;
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("step {step} not reached in {within:?}");
}

fn kill9(d: &mut Daemon) {
    // SAFETY: kill(2) on our own child.
    unsafe { libc::kill(d.child.id() as i32, libc::SIGKILL) };
    d.wait_exit(Duration::from_secs(10)).expect("killed");
}

fn start_training(d: &Daemon) {
    let out = d.ctl(&["start"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

fn latest_step(state: &Path) -> u64 {
    let id = std::fs::read_to_string(state.join("checkpoints/latest")).unwrap_or_default();
    id.trim().trim_start_matches("step-").parse().unwrap_or(0)
}

/// An uninterrupted run and a run killed with -9 (once during training, once during
/// a checkpoint write) produce identical metrics for the steps after the resume point.
/// A syntax-error penalty gives the tiny model's random completions different rewards
/// (some are not code at all, some are broken code), so
/// the adapter really changes from step to step.
#[test]
fn kill_9_resumes_exactly_from_the_last_complete_checkpoint() {
    let tasks_dir = tempfile::tempdir().unwrap();
    write_task(tasks_dir.path(), "t1", "f1");
    write_task(tasks_dir.path(), "t2", "f2");
    let extra = "[checkpoints]\nevery_steps = 2\nkeep_last = 50\n[reward]\nkind = \"tests\"\nsyntax_error_penalty = -0.5\n";
    const REF_STEPS: u64 = 40;

    // Reference: steps 1..=REF_STEPS without interruption.
    let mut a = tiny_daemon(tempfile::tempdir().unwrap(), tasks_dir.path(), extra);
    start_training(&a);
    wait_for_step(&a.state_dir(), REF_STEPS, Duration::from_secs(300));
    let reference = |step: u64| comparable(&a.state_dir(), step);
    let rewards: Vec<f64> = (1..=REF_STEPS).map(|s| reference(s)["mean_reward"].as_f64().unwrap()).collect();
    assert!(rewards.windows(2).any(|w| w[0] != w[1]), "rewards vary, so updates happen: {rewards:?}");

    // Killed while training, after at least one checkpoint.
    let dir_b = tempfile::tempdir().unwrap();
    let state_b: PathBuf = dir_b.path().join("state");
    let mut b = tiny_daemon(dir_b, tasks_dir.path(), extra);
    start_training(&b);
    while latest_step(&state_b) < 2 {
        std::thread::sleep(Duration::from_millis(5));
    }
    kill9(&mut b);
    let k = latest_step(&state_b);
    assert!(k >= 2 && k + 4 <= REF_STEPS, "resume point {k}");
    let dir_b = std::mem::replace(&mut b.dir, tempfile::tempdir().unwrap());
    drop(b);

    // Restart with the checkpoint writer slowed down: it resumes from k, redoes the
    // steps after it identically, then is killed inside the write of k + 2.
    let mut b2 = tiny_daemon_env(dir_b, tasks_dir.path(), extra, &[("RLVRD_TEST_CHECKPOINT_PAUSE_MS", "4000")]);
    start_training(&b2);
    wait_for_step(&state_b, k + 2, Duration::from_secs(120));
    assert_eq!(comparable(&state_b, k + 1), reference(k + 1), "step {} after resume equals the uninterrupted run", k + 1);
    std::thread::sleep(Duration::from_millis(1000)); // inside the 4 s pause of the write of k + 2
    kill9(&mut b2);
    assert_eq!(latest_step(&state_b), k, "the interrupted checkpoint is not the latest");
    assert!(!state_b.join(format!("checkpoints/step-{:06}/manifest.json", k + 2)).exists(), "step {}'s checkpoint is incomplete", k + 2);
    let dir_b = std::mem::replace(&mut b2.dir, tempfile::tempdir().unwrap());
    drop(b2);

    // Third start: resumes from k again and reproduces k+1 .. k+3.
    let mut b3 = tiny_daemon(dir_b, tasks_dir.path(), extra);
    start_training(&b3);
    wait_for_step(&state_b, k + 3, Duration::from_secs(120));
    for s in k + 1..=k + 3 {
        assert_eq!(comparable(&state_b, s), reference(s), "step {s}");
    }
    let text = std::fs::read_to_string(state_b.join("metrics.jsonl")).unwrap();
    let count = text.lines().filter(|l| l.contains("\"kind\":\"step\"") && l.contains(&format!("\"step\":{},", k + 1))).count();
    assert_eq!(count, 1, "the history holds step {} once after the resumes", k + 1);
    kill9(&mut b3);
    kill9(&mut a);
}

/// Values out of range are the caller's mistake: JSON-RPC -32602 with the reason, not an
/// internal error, and the daemon goes on serving.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn out_of_range_parameters_are_invalid_params() {
    let tasks_dir = tempfile::tempdir().unwrap();
    write_task(tasks_dir.path(), "t1", "f1");
    let d = tiny_daemon(tempfile::tempdir().unwrap(), tasks_dir.path(), "");
    let c = ws(&d).await;
    wait_loaded(&c).await;
    let code_of = |e: &dyn std::fmt::Debug| format!("{e:?}");
    let hot = c.complete(CompleteParams { prefix: "def f(x):\n".into(), temperature: Some(50.0), ..Default::default() }).await.unwrap_err();
    assert!(code_of(&hot).contains("InvalidParams") && code_of(&hot).contains("temperature"), "{hot:?}");
    let empty = c.complete(CompleteParams { prefix: String::new(), ..Default::default() }).await.unwrap_err();
    assert!(code_of(&empty).contains("InvalidParams") && code_of(&empty).contains("empty"), "{empty:?}");
    let lr = c.train_set(rlvr_client::TrainSet { lr: Some(5.0), ..Default::default() }).await.unwrap_err();
    assert!(code_of(&lr).contains("InvalidParams") && code_of(&lr).contains("lr"), "{lr:?}");
    let r = c.complete(CompleteParams { prefix: "def f(x):\n".into(), max_tokens: Some(2), ..Default::default() }).await.unwrap();
    assert!(r.completion_tokens >= 1);
}

/// Dynamic sampling: with a tests-only reward the tiny model's groups all score 0 (no
/// variance), so each step replaces them with other tasks' groups until the budget is
/// spent, and never beyond it; with no budget nothing is added.
#[test]
fn zero_variance_groups_are_replaced_up_to_the_budget() {
    let tasks_dir = tempfile::tempdir().unwrap();
    write_task(tasks_dir.path(), "t1", "f1");
    write_task(tasks_dir.path(), "t2", "f2");
    for (budget, want_groups) in [(3u64, 5usize), (0, 2)] {
        let extra = format!("[reward]\nkind = \"tests\"\n[curriculum]\nrefill_budget = {budget}\n");
        let d = tiny_daemon(tempfile::tempdir().unwrap(), tasks_dir.path(), &extra);
        start_training(&d);
        wait_for_step(&d.state_dir(), 2, Duration::from_secs(120));
        for step in 1..=2 {
            let rec = comparable(&d.state_dir(), step);
            assert_eq!(rec["zero_variance_frac"], 1.0, "{rec}");
            assert_eq!(rec["tasks"].as_array().unwrap().len(), want_groups, "budget {budget}: {rec}");
            assert_eq!(rec["refilled_groups"], budget, "{rec}");
        }
        // Every group failed: the sampler's view of both tasks says so (with only a few
        // two-completion groups of evidence the posterior is still "learning").
        let out = d.ctl(&["--json", "tasks", "list"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let page: Value = serde_json::from_slice(&out.stdout).unwrap();
        for t in page["items"].as_array().unwrap() {
            assert!(t["attempts"].as_u64().unwrap() > 0, "{t}");
            assert!(t["sampler"]["state"] == "learning" || t["sampler"]["state"] == "too_hard", "{t}");
            assert!(t["sampler"]["pass_rate"].as_f64().unwrap() < 0.25, "{t}");
        }
    }
}
