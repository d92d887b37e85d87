"""Several processes, one run: `torchrun --nproc-per-node N -m gandoctor train ...` uses PyTorch's DDP.

The design goal is that N processes train *the same run* as one process with the same global batch:
- ``--batch-size`` stays the global batch. Every rank draws the same global index batch and the same
  global noise (all ranks share the seed) and keeps its own contiguous slice (``shard``), so the union
  of the slices is exactly the one-process batch. DDP averages the gradients of equal-sized slices,
  which is the gradient of the global mean loss.
- Rank 0 alone writes the run directory (metrics, samples, checkpoints, findings); every rank reads a
  checkpoint on ``--resume``.
- Logged scalars are averaged over ranks (``all_mean``) only at log steps, so there is no extra
  per-step synchronisation beyond DDP's gradient all-reduce.

Buffers: DDP is built with ``forward_sync_buffers=False`` (the old ``broadcast_buffers=False``). A GAN
calls D several times per backward (real, fake, then fake again for G); copying rank 0's buffers in
place before each call breaks autograd for buffers that sit in the graph (spectral norm's ``u``) and
adds a collective to every forward, including rank 0's sampling-only calls. DDP still syncs buffers
once when it wraps the model, and spectral norm's power iteration then stays identical on every rank
because the weights do. Running BatchNorm statistics stay per rank (rank 0's are saved); with
``--sync-bn`` the batch statistics are computed over the global batch, which is what makes a
BatchNorm model match one process exactly.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import torch
import torch.distributed as dist
import torch.nn as nn

from gandoctor.errors import UsageError


@dataclass
class DistInfo:
    rank: int = 0
    world_size: int = 1
    local_rank: int = 0
    device: torch.device = torch.device("cpu")

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    @property
    def enabled(self) -> bool:
        return self.world_size > 1

    def shard(self, batch: torch.Tensor) -> torch.Tensor:
        """This rank's contiguous slice of a global batch (the whole batch in a single process)."""
        if not self.enabled:
            return batch
        if len(batch) % self.world_size:
            raise UsageError(
                f"--batch-size {len(batch)} must be divisible by the {self.world_size} processes"
            )
        size = len(batch) // self.world_size
        return batch[self.rank * size : (self.rank + 1) * size]


def setup(device: torch.device) -> DistInfo:
    """Join the process group when started by torchrun (RANK/WORLD_SIZE set); a no-op otherwise.

    gloo on the CPU, nccl on CUDA; each rank takes the GPU numbered by its LOCAL_RANK.
    """
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    if world_size <= 1:
        return DistInfo(device=device)
    rank, local_rank = int(os.environ["RANK"]), int(os.environ.get("LOCAL_RANK", "0"))
    if device.type == "cuda":
        if local_rank >= torch.cuda.device_count():
            raise UsageError(
                f"rank {rank} wants cuda:{local_rank}, but only {torch.cuda.device_count()} GPUs"
            )
        device = torch.device("cuda", local_rank)
        torch.cuda.set_device(device)
    elif device.type != "cpu":
        raise UsageError(f"multi-process training supports cpu and cuda, not {device.type}")
    if not dist.is_initialized():
        dist.init_process_group(backend="nccl" if device.type == "cuda" else "gloo")
    return DistInfo(rank=rank, world_size=world_size, local_rank=local_rank, device=device)


def teardown() -> None:
    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()


def wrap(model: nn.Module, info: DistInfo, sync_bn: bool = False) -> nn.Module:
    """DDP around ``model`` under torchrun (optionally with SyncBatchNorm); the model itself otherwise.

    Keep the unwrapped model for ``state_dict``, sampling and the doctor: DDP shares its parameters,
    and ``convert_sync_batchnorm`` swaps the BatchNorm children of ``model`` in place, keeping the same
    parameter and buffer tensors, so both views stay one model with the same state_dict keys.
    """
    if not info.enabled:
        return model
    if sync_bn:
        if info.device.type != "cuda":
            raise UsageError("--sync-bn needs CUDA: PyTorch's SyncBatchNorm does not run on the CPU")
        model = nn.SyncBatchNorm.convert_sync_batchnorm(model)
    device_ids = [info.device.index] if info.device.type == "cuda" else None
    return nn.parallel.DistributedDataParallel(model, device_ids=device_ids, forward_sync_buffers=False)


def all_mean(values: torch.Tensor) -> torch.Tensor:
    """Average a tensor over ranks (a copy; the input is left alone). Call on every rank at once."""
    if not (dist.is_available() and dist.is_initialized()):
        return values
    total = values.detach().clone()
    dist.all_reduce(total, op=dist.ReduceOp.SUM)
    return total / dist.get_world_size()


def any_rank(flag: bool, device: torch.device) -> bool:
    """True on every rank when ``flag`` is true on some rank (so all ranks take the same branch)."""
    if not (dist.is_available() and dist.is_initialized()):
        return flag
    value = torch.tensor([1.0 if flag else 0.0], device=device)
    dist.all_reduce(value, op=dist.ReduceOp.MAX)
    return bool(value.item())


def gather_findings(report: dict[str, Any] | None) -> dict[str, Any] | None:
    """The doctor's report from every rank, merged on rank 0 (other ranks get None).

    A finding seen on several ranks is kept once, with the earliest step any rank saw it; the order is
    rank 0's ranking, then findings only other ranks made, in rank order.
    """
    if not (dist.is_available() and dist.is_initialized()):
        return report
    reports: list[dict[str, Any] | None] = [None] * dist.get_world_size()
    dist.all_gather_object(reports, report)
    if dist.get_rank() != 0:
        return None
    merged = merge_findings([r for r in reports if r is not None])
    if merged is not None:
        merged["ranks"] = dist.get_world_size()
    return merged


def merge_findings(reports: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Merge findings JSON dicts by id, keeping each id's earliest step (see ``gather_findings``)."""
    if not reports:
        return None
    merged = dict(reports[0])
    by_id: dict[str, dict[str, Any]] = {}
    for report in reports:
        for finding in report.get("findings", []):
            known = by_id.get(finding["id"])
            if known is None or _step(finding) < _step(known):
                by_id[finding["id"]] = finding
    order = list(dict.fromkeys(f["id"] for r in reports for f in r.get("findings", [])))
    merged["findings"] = [by_id[i] for i in order]
    if all("steps" in r for r in reports):
        merged["steps"] = max(r["steps"] for r in reports)
    return merged


def _step(finding: dict[str, Any]) -> int:
    step = finding.get("step")
    return step if isinstance(step, int) else 1 << 62
