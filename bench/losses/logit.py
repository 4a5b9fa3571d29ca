"""Losses on one logit per sample: minimax, non-saturating, WGAN, LSGAN, hinge, RSGAN, RaGAN.

Notation: ``d_r = D(x)`` on real data, ``d_f = D(G(z))`` on generated data, both of shape ``(B,)``;
σ is the logistic sigmoid and ``softplus(t) = log(1 + eᵗ)``, so ``−log σ(t) = softplus(−t)`` and
``−log(1 − σ(t)) = softplus(t)``.  Every function returns a scalar to minimise.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from bench.losses.base import LOSSES, Loss, check_probability


def _smoothing(params: dict) -> None:
    check_probability(params, "label_smoothing", 0.0, 1.0)


def _logistic_d(d_real, d_fake, label_smoothing):
    """−E[(1−s) log σ(d_r) + s log(1−σ(d_r))] − E log(1−σ(d_f)); s = one-sided label smoothing."""
    target = torch.full_like(d_real, 1.0 - label_smoothing)
    return F.binary_cross_entropy_with_logits(d_real, target) + F.softplus(d_fake).mean()


# --- minimax / saturating GAN (Goodfellow et al. 2014, eq. 1) ---------------------------------
def mm_discriminator(*, d_real, d_fake, label_smoothing: float = 0.0):
    """L_D = −E log σ(d_r) − E log(1 − σ(d_f)); with smoothing s the real target is 1 − s
    (one-sided label smoothing, Salimans et al. 2016, §3.4)."""
    return _logistic_d(d_real, d_fake, label_smoothing)


def mm_generator(*, d_real, d_fake, label_smoothing: float = 0.0):
    """L_G = E log(1 − σ(d_f)) = −E softplus(d_f)  (G minimises the value function; saturates
    when D confidently rejects fakes)."""
    return -F.softplus(d_fake).mean()


LOSSES.add(
    "mm",
    Loss(
        mm_discriminator,
        mm_generator,
        formula="L_D = -E log σ(D(x)) - E log(1-σ(D(G(z)))); L_G = E log(1-σ(D(G(z))))",
        paper="Goodfellow et al. 2014, Generative Adversarial Nets (minimax, eq. 1)",
        validate=_smoothing,
    ),
    aliases=("minimax", "saturating", "mmgan"),
)


# --- non-saturating GAN (Goodfellow et al. 2014, §3) ------------------------------------------
def ns_discriminator(*, d_real, d_fake, label_smoothing: float = 0.0):
    """L_D = −E log σ(d_r) − E log(1 − σ(d_f)); with smoothing s the real target is 1 − s."""
    return _logistic_d(d_real, d_fake, label_smoothing)


def ns_generator(*, d_real, d_fake, label_smoothing: float = 0.0):
    """L_G = −E log σ(d_f) = E softplus(−d_f)."""
    return F.softplus(-d_fake).mean()


LOSSES.add(
    "ns",
    Loss(
        ns_discriminator,
        ns_generator,
        formula="L_D = -E log σ(D(x)) - E log(1-σ(D(G(z)))); L_G = -E log σ(D(G(z)))",
        paper="Goodfellow et al. 2014, Generative Adversarial Nets (non-saturating variant, §3)",
        validate=_smoothing,
    ),
    aliases=("nsgan", "vanilla"),
)


# --- WGAN critic loss (Arjovsky et al. 2017) ----------------------------------------------------
def wgan_discriminator(*, d_real, d_fake):
    """L_D = E d_f − E d_r  (the critic maximises E D(x) − E D(G(z)))."""
    return d_fake.mean() - d_real.mean()


def wgan_generator(*, d_real, d_fake):
    """L_G = −E d_f."""
    return -d_fake.mean()


LOSSES.add(
    "wgan",
    Loss(
        wgan_discriminator,
        wgan_generator,
        formula="L_D = E D(G(z)) - E D(x); L_G = -E D(G(z))",
        paper="Arjovsky, Chintala & Bottou 2017, Wasserstein GAN (with clip); Gulrajani et al. 2017 (with gp)",
    ),
    aliases=("wasserstein",),
)


# --- least squares GAN (Mao et al. 2017, eq. 2 with a=0, b=1, c=1) ------------------------------
def ls_discriminator(*, d_real, d_fake):
    """L_D = ½ E (d_r − 1)² + ½ E d_f²  (real label b = 1, fake label a = 0)."""
    return 0.5 * ((d_real - 1.0) ** 2).mean() + 0.5 * (d_fake**2).mean()


def ls_generator(*, d_real, d_fake):
    """L_G = ½ E (d_f − 1)²  (G's target c = 1)."""
    return 0.5 * ((d_fake - 1.0) ** 2).mean()


LOSSES.add(
    "ls",
    Loss(
        ls_discriminator,
        ls_generator,
        formula="L_D = ½E(D(x)-1)² + ½E D(G(z))²; L_G = ½E(D(G(z))-1)²  (a=0, b=1, c=1)",
        paper="Mao et al. 2017, Least Squares Generative Adversarial Networks (eq. 2)",
    ),
    aliases=("lsgan", "least_squares"),
)


# --- hinge / Geometric GAN (Lim & Ye 2017) ------------------------------------------------------
def hinge_discriminator(*, d_real, d_fake):
    """L_D = E max(0, 1 − d_r) + E max(0, 1 + d_f)  (SVM margin)."""
    return F.relu(1.0 - d_real).mean() + F.relu(1.0 + d_fake).mean()


def hinge_generator(*, d_real, d_fake):
    """L_G = −E d_f."""
    return -d_fake.mean()


LOSSES.add(
    "hinge",
    Loss(
        hinge_discriminator,
        hinge_generator,
        formula="L_D = E max(0, 1-D(x)) + E max(0, 1+D(G(z))); L_G = -E D(G(z))",
        paper="Lim & Ye 2017, Geometric GAN (arXiv 1705.02894)",
    ),
    aliases=("ggan", "geometric"),
)


# --- relativistic standard GAN (Jolicoeur-Martineau 2018, §4.1) -------------------------------
def _needs_real(d_real, name):
    if d_real is None:
        raise ValueError(f"{name} needs D's output on real data in the generator step too (g_needs_real)")


def _paired(d_real, d_fake):
    _needs_real(d_real, "RSGAN")
    if d_real.shape != d_fake.shape:
        raise ValueError(
            f"RSGAN pairs real and fake samples: need d_real of shape {tuple(d_fake.shape)}, got {tuple(d_real.shape)}")


def rsgan_discriminator(*, d_real, d_fake):
    """L_D = E softplus(−(d_r − d_f)) = −E log σ(D(x) − D(G(z))), real/fake paired by batch index."""
    _paired(d_real, d_fake)
    return F.softplus(-(d_real - d_fake)).mean()


def rsgan_generator(*, d_real, d_fake):
    """L_G = E softplus(−(d_f − d_r)) = −E log σ(D(G(z)) − D(x))."""
    _paired(d_real, d_fake)
    return F.softplus(-(d_fake - d_real)).mean()


LOSSES.add(
    "rsgan",
    Loss(
        rsgan_discriminator,
        rsgan_generator,
        formula="L_D = -E log σ(D(x)-D(G(z))); L_G = -E log σ(D(G(z))-D(x))  (paired samples)",
        paper="Jolicoeur-Martineau 2018, The relativistic discriminator (arXiv 1807.00734), RSGAN",
        g_needs_real=True,
    ),
    aliases=("relativistic",),
)


# --- relativistic average GAN (Jolicoeur-Martineau 2018, §4.3) --------------------------------
def ragan_discriminator(*, d_real, d_fake):
    """L_D = −E_x log σ(d_r − E d_f) − E_z log(1 − σ(d_f − E d_r))
    = E softplus(−(d_r − mean d_f)) + E softplus(d_f − mean d_r).
    The paper's formula (no ½; the authors' code averages the two terms, a constant factor)."""
    _needs_real(d_real, "RaGAN")
    return F.softplus(-(d_real - d_fake.mean())).mean() + F.softplus(d_fake - d_real.mean()).mean()


def ragan_generator(*, d_real, d_fake):
    """L_G = −E_z log σ(d_f − E d_r) − E_x log(1 − σ(d_r − E d_f))."""
    _needs_real(d_real, "RaGAN")
    return F.softplus(-(d_fake - d_real.mean())).mean() + F.softplus(d_real - d_fake.mean()).mean()


LOSSES.add(
    "ragan",
    Loss(
        ragan_discriminator,
        ragan_generator,
        formula="L_D = -E log σ(D(x)-E D(G(z))) - E log(1-σ(D(G(z))-E D(x))); L_G: real and fake swapped",
        paper="Jolicoeur-Martineau 2018, The relativistic discriminator (arXiv 1807.00734), RaSGAN",
        g_needs_real=True,
    ),
    aliases=("rasgan",),
)
