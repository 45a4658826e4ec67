//! `rlvrctl start | stop | pause | resume | train [set ...]`: training control.

use rlvr_client::{TrainSet, TrainStatus};

use crate::output::{describe, print_json};
use crate::Ctx;
use rlvr_client::units::human_duration;

/// Which control call to make.
pub enum Control {
    Start,
    Stop,
    Pause,
    Resume,
    Set(TrainSet),
}

pub async fn run(ctx: &Ctx, c: Control) -> Result<(), String> {
    let st = match c {
        Control::Start => rlvr_client::call!(ctx.conn, train_start()),
        Control::Stop => rlvr_client::call!(ctx.conn, train_stop()),
        Control::Pause => rlvr_client::call!(ctx.conn, train_pause()),
        Control::Resume => rlvr_client::call!(ctx.conn, train_resume()),
        Control::Set(s) => rlvr_client::call!(ctx.conn, train_set(s)),
    }
    .map_err(|e| describe(&ctx.url, e))?;
    if ctx.json {
        return print_json(&st);
    }
    print_status(&st);
    Ok(())
}

pub fn print_status(st: &TrainStatus) {
    println!("training  {:?} at step {} ({})", st.state, st.step, st.phase);
    println!("  tasks     {} train tasks, {} sampled so far", st.train_tasks, st.tasks_seen);
    let s = &st.task_states;
    if s.learning + s.mastered + s.too_hard > 0 {
        println!("  sampler   {} learning, {} mastered, {} too hard, {} not tried yet", s.learning, s.mastered, s.too_hard, s.unseen);
    }
    println!("  settings  lr {:.2e}, group size {}, reward weights tests {} / ruff {}", st.lr, st.group_size, st.reward_weights.0, st.reward_weights.1);
    if let Some(s) = st.seconds_per_step {
        println!("  pace      {:.1} s/step", s);
    }
    if let (Some(n), Some(eta)) = (st.next_checkpoint_step, st.eta_checkpoint_s) {
        println!("  next ckpt step {n} (in ~{})", human_duration(eta));
    }
    println!("  serving   {}", st.serving_adapter);
    if !st.sandbox.is_empty() {
        println!("  sandbox   {}", st.sandbox);
    }
    if let Some(l) = &st.last {
        println!(
            "  last step reward {:.3}, pass {:.0}%, length {:.0} tokens, zero-variance groups {:.0}%",
            l.mean_reward,
            l.pass_rate * 100.0,
            l.completion_length.mean_tokens,
            l.zero_variance_frac * 100.0
        );
    }
}
