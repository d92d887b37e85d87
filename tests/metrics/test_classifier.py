"""The digit classifier: accurate on held-out real digits, cached, and its metrics see collapse."""

from __future__ import annotations

import pytest
import torch

from gandoctor.metrics.classifier import load_or_train, split
from gandoctor.metrics.digit_data import load_mnist, parse_digit_spec
from gandoctor.metrics.digit_metrics import digit_metrics, kl_to_uniform


@pytest.fixture(scope="session")
def mnist_classifier(mnist_dir):
    return load_or_train(f"mnist:{mnist_dir}")  # trains once (~15-60 s on 2 cores), then cached


def test_parse_digit_spec():
    assert parse_digit_spec("digits").kind == "digits"
    assert parse_digit_spec("mnist:/x").directory.as_posix() == "/x"
    assert parse_digit_spec("stacked-mnist:/x").stacked
    assert parse_digit_spec("/some/folder") is None


def test_heldout_accuracy_at_least_97_percent(mnist_classifier, mnist_dir):
    images, labels = load_mnist(mnist_dir)
    _, hold = split(len(images))
    predicted = mnist_classifier.probs(images[hold]).argmax(dim=1)
    accuracy = (predicted == labels[hold]).float().mean().item()
    assert accuracy >= 0.97
    assert accuracy == pytest.approx(mnist_classifier.heldout_accuracy, abs=1e-6)  # cache round-trips


def test_second_load_comes_from_cache_and_matches(mnist_classifier, mnist_dir):
    again = load_or_train(f"mnist:{mnist_dir}", verbose=False)
    x = load_mnist(mnist_dir)[0][:64]
    torch.testing.assert_close(again.probs(x), mnist_classifier.probs(x))


def test_metrics_separate_real_digits_from_a_single_class(mnist_classifier, mnist_dir):
    images, labels = load_mnist(mnist_dir)
    real, reference = images[:1000], images[5000:6000]
    only_ones = images[labels == 1][:1000]
    good = digit_metrics(mnist_classifier, real, reference)
    bad = digit_metrics(mnist_classifier, only_ones, reference)
    assert good["classes_hit"] == 10 and good["min_class_share"] > 0.05
    assert bad["classes_hit"] <= 2
    assert good["kl_uniform"] < 0.05 < 1.5 < bad["kl_uniform"]
    assert good["fd"] * 10 < bad["fd"]


def test_kl_to_uniform_extremes():
    assert kl_to_uniform(torch.tensor([5, 5, 5, 5])) == pytest.approx(0.0)
    assert kl_to_uniform(torch.tensor([0, 0, 9, 0])) == pytest.approx(
        torch.log(torch.tensor(4.0)).item()
    )


def test_probs_accepts_8x8_and_rejects_rgb(mnist_classifier):
    small = torch.rand(4, 1, 8, 8) * 2 - 1
    assert mnist_classifier.probs(small).shape == (4, 10)
    with pytest.raises(ValueError):
        mnist_classifier.probs(torch.zeros(2, 3, 28, 28))
