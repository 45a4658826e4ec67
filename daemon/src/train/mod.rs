//! The RL trainer: advantages, the GRPO-family losses, teacher-forced log-probs,
//! AdamW on the LoRA adapter, and the step that ties rollout, rewards and updates.

pub mod advantages;
pub mod curriculum;
pub mod logprobs;
pub mod losses;
pub mod optimizer;
pub mod recompute;
pub mod trainer;

#[cfg(test)]
mod tests;
