"""Checks on methods (loss × regularizer with parameters) for the suite validator.

- :func:`accepted_params` lists the parameter names an entry takes (read from its functions'
  signatures, so the list can never drift from the code);
- :func:`check_params` raises ``ValueError`` naming a bad parameter and the valid ones, or a bad
  value (e.g. ``label_smoothing: 1.5``);
- :func:`pair_problem` says why a loss/regularizer pair makes no sense, or returns ``None``;
- :func:`head_problem` and :func:`latent_problem` say why an auxiliary head (InfoGAN, SS-GAN) does
  not fit the data, PacGAN or the latent size.
"""

from __future__ import annotations

from typing import Optional

from bench.losses import LOSSES
from bench.regularizers import REGULARIZERS

KINDS = {"loss": LOSSES, "regularizer": REGULARIZERS}


def _entry(kind: str, name: str):
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {sorted(KINDS)}; got {kind!r}")
    return KINDS[kind].get(name)  # UnknownNameError (a KeyError) lists the valid names


def accepted_params(kind: str, name: str) -> tuple[str, ...]:
    """Parameter names a suite may set for the loss or regularizer ``name``."""
    return _entry(kind, name).param_names()


def check_params(kind: str, name: str, params: Optional[dict]) -> None:
    """Raise ``ValueError`` if ``params`` has a name ``kind``/``name`` does not accept, or a bad value.

    ``kind`` is ``"loss"`` or ``"regularizer"``; an unknown ``name`` raises
    :class:`bench.registry.UnknownNameError` listing the valid names.
    """
    entry = _entry(kind, name)
    params = dict(params or {})
    valid = entry.param_names()
    for key in params:
        if key not in valid:
            listing = ", ".join(valid) if valid else "none"
            raise ValueError(f"{kind} {name!r} has no parameter {key!r}; valid parameters: {listing}")
    if entry.validate is not None:
        try:
            entry.validate(params)
        except ValueError as err:
            raise ValueError(f"{kind} {name!r}: {err}") from None


def pair_problem(loss_name: str, reg_name: str) -> Optional[str]:
    """Why ``loss_name`` with ``reg_name`` makes no sense, or ``None`` if the pair is fine.

    Rejected: gradient penalties (gp, gp_one_sided, dragan, r1, r2) with the MMD losses, whose D
    returns a k-dim embedding.  The penalties are defined on a scalar D(x); for MMD-GAN the
    meaningful gradient constraint is on the kernel witness function, which depends on the loss's
    kernel and batch (Bińkowski et al. 2018) — and penalties never see the loss.
    ``clip`` (what Li et al. 2017 used), ``cr`` and ``none`` work with every such loss.  The
    auto-encoder losses (BEGAN, EBGAN) take ``none`` or ``clip`` only: their D returns a
    reconstruction, on which neither a gradient penalty on one logit nor ``cr`` is defined.
    """
    loss_key, reg_key = LOSSES.canonical(loss_name), REGULARIZERS.canonical(reg_name)
    loss, reg = LOSSES.get(loss_key), REGULARIZERS.get(reg_key)
    if loss.d_output not in reg.d_outputs:
        fits = [n for n, r in REGULARIZERS.items() if loss.d_output in r.d_outputs]
        if loss.d_output == "autoencoder":
            return (
                f"regularizer {reg_key!r} is defined for a D that returns {' or '.join(reg.d_outputs)} per sample, "
                f"but loss {loss_key!r} makes D an auto-encoder (its output is a reconstruction, not a logit); "
                f"use one of {', '.join(fits)} with {loss_key!r} (or spectral normalization of D, d_norm: sn)"
            )
        return (
            f"regularizer {reg_key!r} is a gradient penalty on a scalar D output, but loss {loss_key!r} "
            f"makes D return an {loss.d_output} (B, k); use one of {', '.join(fits)} with {loss_key!r} "
            "(or spectral normalization of D, d_norm: sn)"
        )
    return None


def latent_problem(reg_name: str, params: Optional[dict], z_dim: int) -> Optional[str]:
    """Why the codes a regularizer writes into z (InfoGAN's) do not fit a latent of ``z_dim``, or None.
    At least one entry of z must stay noise."""
    aux = REGULARIZERS.get(reg_name).auxiliary
    if aux is None or aux.sample_codes is None:
        return None
    size = aux.head_size(dict(params or {}))
    if size >= z_dim:
        return (f"regularizer {REGULARIZERS.canonical(reg_name)!r} writes {size} code entries into z, but the "
                f"architecture's z_dim is {z_dim}: use fewer codes or a larger latent (at least {size + 1})")
    return None


def head_problem(reg_name: str, dataset: str, kind: str, pac: int) -> Optional[str]:
    """Why a regularizer's auxiliary head (InfoGAN, SS-GAN) does not fit the data or PacGAN, or None."""
    aux = REGULARIZERS.get(reg_name).auxiliary
    if aux is None:
        return None
    name = REGULARIZERS.canonical(reg_name)
    if kind not in aux.data_kinds:
        return (f"regularizer {name!r} is defined on {', '.join(aux.data_kinds)} data; dataset {dataset!r} is "
                f"{kind}" + (" (rotating 2-D points is not a pretext task)" if name == "ssgan" else ""))
    if pac > 1:
        return (f"regularizer {name!r} reads one sample's features from D's trunk, but training.pac: {pac} "
                "makes D read packs of samples; use one or the other")
    return None
