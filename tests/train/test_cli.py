"""The command line: bad input gives one line and exit code 2; `sample` writes uint8 N x C x H x W."""

from __future__ import annotations

import json

import numpy as np
import pytest

from gandoctor.cli import main
from gandoctor.train.loop import train

from .conftest import quick_config

BAD_TRAIN_ARGS = [
    (["--bogus"], "unrecognized arguments"),
    (["--model", "resnet"], "unknown --model 'resnet'"),
    (["--loss", "wgan"], "unknown --loss 'wgan'"),
    (["--bug", "typo"], "unknown --bug 'typo'"),
    (["--data", "/no/such/folder"], "not 'digits', 'mnist', 'mnist:DIR' or an existing folder"),
    (["--data", "mnist:/no/such/folder"], "MNIST folder not found"),
    (["--steps", "0"], "--steps must be at least 1"),
    (["--steps", "ten"], "invalid int value"),
    (["--model", "dcgan", "--image-size", "48"], "supports --image-size 28, 32 or 64"),
    (["--batch-size", "5000"], "larger than the dataset"),
    (["--device", "cuda:7"], "--device cuda:7"),
    (["--resume", "/no/such/run"], "no config.json there"),
]


def exit_code(argv: list[str]) -> int:
    """main()'s return value, or the code of the SystemExit argparse raises for malformed options."""
    try:
        return main(argv)
    except SystemExit as exc:
        return int(exc.code)


@pytest.mark.parametrize(("args", "message"), BAD_TRAIN_ARGS)
def test_bad_train_input_is_one_line_and_exit_2(tmp_path, capsys, args, message):
    assert exit_code(["train", "--run-dir", str(tmp_path / "run"), "--quiet", *args]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0], err
    assert not (tmp_path / "run" / "checkpoints").exists()


def test_empty_and_unreadable_data_folders(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["train", "--data", str(empty), "--run-dir", str(tmp_path / "r1")]) == 2
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "a.jpg").write_bytes(b"\x00" * 10)
    (broken / "b.png").write_bytes(b"")
    assert main(["train", "--data", str(broken), "--run-dir", str(tmp_path / "r2")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and "no images" in err[0] and "none of the 2 image files" in err[1]


def test_existing_run_is_not_overwritten_without_asking(tmp_path, capsys):
    train(quick_config(tmp_path, steps=2))
    assert main(["train", "--run-dir", str(tmp_path), "--steps", "2", "--quiet"]) == 2
    assert "already holds a run" in capsys.readouterr().err
    assert main(["train", "--run-dir", str(tmp_path), "--steps", "3", "--quiet", "--overwrite",
                 "--no-doctor"]) == 0


def test_sample_writes_uint8_images_from_the_ema_generator(tmp_path, capsys):
    train(quick_config(tmp_path / "run", steps=5, ema=0.9, ckpt_every=5))
    out = tmp_path / "samples.npz"
    assert main(["sample", str(tmp_path / "run"), "-n", "300", "-o", str(out)]) == 0
    images = np.load(out)["images"]
    assert images.dtype == np.uint8 and images.shape == (300, 1, 8, 8)
    assert images.std() > 0  # real generator output, not a constant
    capsys.readouterr()
    assert main(["sample", str(tmp_path / "run"), "--best", "-o", str(out)]) == 2  # no --eval-every
    assert main(["sample", str(tmp_path / "nothing"), "-o", str(out)]) == 2
    (tmp_path / "no_ckpt").mkdir()
    assert main(["sample", str(tmp_path / "no_ckpt"), "-o", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 3 and "best.pt" in err[0] and "not found" in err[1] and "no checkpoint" in err[2]



def test_eval_every_writes_eval_jsonl_and_best_checkpoint(tmp_path):
    train(quick_config(tmp_path / "run", steps=20, eval_every=10))
    rows = [json.loads(line) for line in (tmp_path / "run" / "eval.jsonl").read_text().splitlines()]
    assert [r["step"] for r in rows] == [10, 20] and all(r["fd"] > 0 for r in rows)
    out = tmp_path / "best.npz"
    assert main(["sample", str(tmp_path / "run"), "--best", "-n", "4", "-o", str(out)]) == 0
    assert np.load(out)["images"].shape == (4, 1, 8, 8)


def test_every_config_field_is_an_option_whose_help_shows_its_dataclass_default():
    """The help text is made from TrainConfig, so the defaults it prints are the ones a run uses."""
    import argparse
    import dataclasses

    from gandoctor.cli import build_parser
    from gandoctor.train.config import RECIPES, TrainConfig

    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    options = {a.dest: a for a in sub.choices["train"]._actions}
    config = TrainConfig()

    def shown(value):
        if isinstance(value, bool):
            return "on" if value else "off"
        return ",".join(map(str, value)) if isinstance(value, list) else str(value)

    for f in dataclasses.fields(TrainConfig):
        action = options[f.name]
        assert action.default is None, f.name  # None: --resume can tell what was given
        value = getattr(config, f.name)
        if value is None:  # set by the model's recipe: the help lists each model's value
            for model, recipe in RECIPES.items():
                assert f"{model}: {shown(recipe[f.name])}" in action.help, f.name
        elif value != "":
            assert f"(default: {shown(value)})" in action.help, f.name


def test_the_recipe_fills_only_what_was_not_given():
    from gandoctor.train.config import FOUNDING, RECIPES, TrainConfig

    mlp = TrainConfig(model="mlp", data="mnist:/some/dir").apply_recipe()
    assert all(getattr(mlp, k) == v for k, v in RECIPES["mlp"].items())
    digits = TrainConfig(model="mlp", hidden=[32]).apply_recipe()  # the default data: sklearn's digits
    assert all(getattr(digits, k) == v for k, v in RECIPES["mlp on digits"].items() if k != "hidden")
    assert digits.hidden == [32]
    mlp.hidden.append(7)  # a run's widths are its own list, not the recipe's
    assert RECIPES["mlp"]["hidden"] == [512, 512]
    dcgan = TrainConfig(model="dcgan", ema=0.9).apply_recipe()
    assert dcgan.loss == RECIPES["dcgan"]["loss"] and dcgan.ema == 0.9
    bug = TrainConfig(model="mlp", bug="detach-generator").apply_recipe()
    assert all(getattr(bug, k) == v for k, v in FOUNDING.items())


def test_options_parse_to_the_fields_types(tmp_path):
    from gandoctor.cli import build_parser
    from gandoctor.cli.train import config_from_args

    args = build_parser().parse_args(["train", "--hidden", "32,16", "--lr-g", "1e-3", "--no-doctor",
                                      "--spectral-norm", "--steps", "7", "--run-dir", str(tmp_path)])
    cfg = config_from_args(args)
    got = (cfg.hidden, cfg.lr_g, cfg.doctor, cfg.spectral_norm, cfg.steps)
    assert got == ([32, 16], 1e-3, False, True, 7)
    assert cfg.ema is None and cfg.report is True  # untouched fields keep the dataclass defaults
