#!/usr/bin/env python3
"""Reference timing: Hugging Face TRL GRPOTrainer + PEFT LoRA, CPU, 2 threads.

Runs 2 GRPO optimizer steps (4 MBPP prompts x 8 generations = 32 completions
per step) on SmolLM2-135M-Instruct (GGUF Q4_1, dequantized to f32 by
transformers) and prints per-step wall time split into generation / reward /
forward(loss) / backward / optimizer, plus peak RSS.

Reproduce (see docs/trl-reference.md):
    OMP_NUM_THREADS=2 MKL_NUM_THREADS=2 HF_HUB_OFFLINE=1 \
    /usr/bin/time -v ~/.cache/rlvrd-fixture-venv/bin/python docs/trl_reference.py

Env knobs: TRL_REF_GC=1 enables gradient checkpointing (TRL's default);
TRL_REF_STEPS (default 2); TRL_REF_TASKS (default examples/tasks/mbpp-train).
"""
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("OMP_NUM_THREADS", "2")
os.environ.setdefault("MKL_NUM_THREADS", "2")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("WANDB_DISABLED", "true")

import glob
import json
import resource
import sys
import tempfile
import time
import tomllib

T_START = time.perf_counter()

import torch

torch.set_num_threads(2)
try:
    torch.set_num_interop_threads(1)
except RuntimeError:
    pass

import datasets
import peft
import transformers
import trl
from datasets import Dataset
from peft import LoraConfig
from transformers import AutoModelForCausalLM, AutoTokenizer, TrainerCallback
from trl import GRPOConfig, GRPOTrainer
from trl.extras import profiling as trl_profiling

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
TASK_DIR = os.environ.get("TRL_REF_TASKS", os.path.join(REPO, "examples/tasks/mbpp-train"))
MODEL_DIR = os.path.expanduser("~/.cache/rlvrd/models")
GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
N_PROMPTS = 4
G = 8
STEPS = int(os.environ.get("TRL_REF_STEPS", "2"))
GRAD_CKPT = os.environ.get("TRL_REF_GC", "0") == "1"


def rss_peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def log(msg):
    print(f"[{time.perf_counter() - T_START:8.1f}s] {msg}", flush=True)


# ---------------------------------------------------------------- prompts
def load_prompts():
    dirs = sorted(d for d in glob.glob(os.path.join(TASK_DIR, "*")) if os.path.isdir(d))[:N_PROMPTS]
    rows = []
    for d in dirs:
        with open(os.path.join(d, "task.toml"), "rb") as f:
            task = tomllib.load(f)
        with open(os.path.join(d, "test_task.py")) as f:
            asserts = [l.strip() for l in f if l.strip().startswith("assert")]
        text = (
            f"You are an expert Python programmer, and here is your task: {task['prompt']} "
            f"Your code should pass these tests:\n\n{asserts[0]}\n"
        )
        rows.append({"prompt": [{"role": "user", "content": text}], "task_id": task["id"]})
    return rows


# ---------------------------------------------------------------- reward
def reward_has_def(completions, **kwargs):
    # Deliberately trivial: reward cost is not part of the comparison.
    out = []
    for c in completions:
        text = c[0]["content"] if isinstance(c, list) else c
        out.append(1.0 if "def " in text else 0.0)
    return out


# ---------------------------------------------------------------- timing hooks
PROFILE = []  # (global_step, name, seconds) from TRL's own profiling_context


def _record(self, duration):
    PROFILE.append((self.step, self.name, duration))


trl_profiling.ProfilingContext._log_metrics = _record


class StepTimer(TrainerCallback):
    def __init__(self):
        self.steps = []
        self.logs = []
        self._cur = None

    def on_step_begin(self, args, state, control, **kw):
        self._cur = {"step": state.global_step + 1, "t0": time.perf_counter()}

    def on_pre_optimizer_step(self, args, state, control, **kw):
        self._cur["t_pre_opt"] = time.perf_counter()

    def on_optimizer_step(self, args, state, control, **kw):
        self._cur["t_post_opt"] = time.perf_counter()

    def on_step_end(self, args, state, control, **kw):
        c = self._cur
        c["t1"] = time.perf_counter()
        c["wall_s"] = c["t1"] - c["t0"]
        c["optimizer_s"] = c["t_post_opt"] - c["t_pre_opt"]
        c["rss_peak_mib_after"] = rss_peak_mib()
        self.steps.append(c)
        log(f"step {c['step']} done: wall {c['wall_s']:.2f}s, peak RSS so far {c['rss_peak_mib_after']:.0f} MiB")

    def on_log(self, args, state, control, logs=None, **kw):
        if logs:
            self.logs.append(dict(logs, _step=state.global_step))


def main():
    log(
        f"python {sys.version.split()[0]} torch {torch.__version__} transformers {transformers.__version__} "
        f"trl {trl.__version__} peft {peft.__version__} datasets {datasets.__version__} "
        f"threads {torch.get_num_threads()} interop {torch.get_num_interop_threads()}"
    )
    rows = load_prompts()
    log(f"tasks: {[r['task_id'] for r in rows]}")

    t = time.perf_counter()
    tok = AutoTokenizer.from_pretrained(MODEL_DIR, gguf_file=GGUF)
    model = AutoModelForCausalLM.from_pretrained(MODEL_DIR, gguf_file=GGUF, torch_dtype=torch.float32)
    load_s = time.perf_counter() - t
    # transformers keeps the GGUF "quantizer" attached although every weight is already a plain f32 tensor
    # (GGUF is dequantized on load); Trainer then refuses to train ("QuantizationMethod.GGUF ... do not support
    # training"). Drop the stale quantization metadata so the f32 model is treated as an ordinary model.
    qdtypes = {p.dtype for p in model.parameters()}
    log(f"param dtypes after load: {qdtypes}; is_quantized={getattr(model, 'is_quantized', None)}")
    model.hf_quantizer = None
    model.is_quantized = False
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    log(f"model+tokenizer load (GGUF dequant): {load_s:.1f}s, peak RSS {rss_peak_mib():.0f} MiB")
    prompt_lens = [
        len(tok.apply_chat_template(r["prompt"], add_generation_prompt=True, tokenize=True, return_dict=True)["input_ids"])
        for r in rows
    ]
    log(f"prompt token lengths (chat template applied): {prompt_lens}")

    lora = LoraConfig(
        r=16,
        lora_alpha=32,
        lora_dropout=0.0,
        bias="none",
        task_type="CAUSAL_LM",
        target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"],
    )
    out_dir = tempfile.mkdtemp(prefix="trl_ref_")
    cfg = GRPOConfig(
        output_dir=out_dir,
        # batch: TRL counts completions. 32 = 4 prompts x 8 generations, one optimizer step per generation batch.
        per_device_train_batch_size=N_PROMPTS * G,
        gradient_accumulation_steps=1,
        num_generations=G,
        num_iterations=1,
        max_steps=STEPS,
        max_completion_length=128,
        temperature=1.0,
        top_p=1.0,
        top_k=0,
        learning_rate=2e-5,
        beta=0.0,
        loss_type="grpo",
        bf16=False,
        fp16=False,
        use_cpu=True,
        gradient_checkpointing=GRAD_CKPT,
        report_to="none",
        save_strategy="no",
        logging_steps=1,
        log_completions=False,
        dataloader_num_workers=0,
        seed=0,
    )
    timer = StepTimer()
    trainer = GRPOTrainer(
        model=model,
        processing_class=tok,
        reward_funcs=[reward_has_def],
        args=cfg,
        train_dataset=Dataset.from_list(rows),
        peft_config=lora,
        callbacks=[timer],
    )
    trainable = sum(p.numel() for p in trainer.model.parameters() if p.requires_grad)
    total = sum(p.numel() for p in trainer.model.parameters())
    log(f"trainable params {trainable} / {total}; device {trainer.accelerator.device}; "
        f"gen batch {cfg.generation_batch_size} steps_per_generation {cfg.steps_per_generation}; grad ckpt {GRAD_CKPT}")

    # wrap compute_loss (forward + GRPO loss) and training_step (prepare_inputs + loss + backward)
    phase = []
    orig_cl = trainer.compute_loss
    orig_ts = trainer.training_step

    def compute_loss(*a, **k):
        t0 = time.perf_counter()
        r = orig_cl(*a, **k)
        phase.append((trainer.state.global_step + 1, "compute_loss_fwd", time.perf_counter() - t0))
        return r

    def training_step(*a, **k):
        t0 = time.perf_counter()
        r = orig_ts(*a, **k)
        phase.append((trainer.state.global_step + 1, "training_step", time.perf_counter() - t0))
        return r

    trainer.compute_loss = compute_loss
    trainer.training_step = training_step

    t = time.perf_counter()
    trainer.train()
    train_s = time.perf_counter() - t
    log(f"trainer.train() total {train_s:.1f}s")

    # ------------------------------------------------ summarise
    summary = {
        "versions": {
            "python": sys.version.split()[0], "torch": torch.__version__, "transformers": transformers.__version__,
            "trl": trl.__version__, "peft": peft.__version__, "datasets": datasets.__version__,
        },
        "threads": torch.get_num_threads(),
        "grad_ckpt": GRAD_CKPT,
        "load_s": load_s,
        "prompt_token_lens": prompt_lens,
        "trainable_params": trainable,
        "train_total_s": train_s,
        "steps": [],
        "peak_rss_mib": rss_peak_mib(),
    }
    for s in timer.steps:
        n = s["step"]
        prof = {name.split(".", 1)[1]: d for (st, name, d) in PROFILE if st + 1 == n}
        ph = {name: d for (st, name, d) in phase if st == n}
        gen = prof.get("transformers.generate", float("nan"))
        prep = prof.get("_prepare_inputs", float("nan"))
        rew = prof.get("reward_has_def", float("nan"))
        fwd = ph.get("compute_loss_fwd", float("nan"))
        ts = ph.get("training_step", float("nan"))
        bwd = ts - prep - fwd
        lg = next((l for l in timer.logs if l["_step"] == n and "loss" in l), {})
        row = {
            "step": n,
            "wall_s": s["wall_s"],
            "generate_s": gen,
            "prepare_inputs_s": prep,
            "prepare_other_s": prep - gen,
            "reward_s": rew,
            "forward_loss_s": fwd,
            "backward_s": bwd,
            "optimizer_s": s["optimizer_s"],
            "update_s": s["wall_s"] - prep,
            "rss_peak_mib_after": s["rss_peak_mib_after"],
            "trl_profile": prof,
            "trl_log": {k: v for k, v in lg.items() if not k.startswith("_")},
        }
        summary["steps"].append(row)
        log(
            f"STEP {n}: wall {row['wall_s']:.2f}s | generate {gen:.2f}s | other prepare (tokenize, reward, adv) "
            f"{row['prepare_other_s']:.2f}s (reward {rew:.4f}s) | fwd+loss {fwd:.2f}s | backward {bwd:.2f}s | "
            f"optimizer {row['optimizer_s']:.3f}s | update(non-gen) {row['update_s']:.2f}s | "
            f"mean completion len {lg.get('completions/mean_length')} clipped {lg.get('completions/clipped_ratio')}"
        )
    log(f"peak RSS {summary['peak_rss_mib']:.0f} MiB")
    print("SUMMARY_JSON " + json.dumps(summary, default=str), flush=True)


if __name__ == "__main__":
    main()
