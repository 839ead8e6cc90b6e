"""The surrogate key: --key-file, the environment, --seed (warned), refusals; never printed."""
from pathlib import Path

import pytest
from typer.testing import CliRunner

import spacy_medner.cli  # noqa: F401 - registers the commands
from spacy_medner.cli.app import app
from spacy_medner.deid import DEFAULT_KEY_ENV, CharSpan, Deidentifier, KeyProblem, resolve_key

from .conftest import save_ruler_model

runner = CliRunner()
KEY = "k3y-Material-that-is-long-enough-0123"
NOTE = "Zebulon Quist seen 2091-03-02 at Boston.\n"


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory) -> Path:
    patterns = [
        {"label": "PATIENT", "pattern": "Zebulon Quist"},
        {"label": "DATE", "pattern": "2091-03-02"},
        {"label": "CITY", "pattern": "Boston"},
    ]
    return save_ruler_model(tmp_path_factory.mktemp("model") / "ruler", patterns)


@pytest.fixture
def src(tmp_path) -> Path:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "a.txt").write_text(NOTE)
    return folder


@pytest.fixture(autouse=True)
def no_key_in_environment(monkeypatch):
    monkeypatch.delenv(DEFAULT_KEY_ENV, raising=False)


def key_file(tmp_path: Path, text: str = KEY, mode: int = 0o600) -> Path:
    path = tmp_path / "deid.key"
    path.write_text(text)
    path.chmod(mode)
    return path


def run(model_dir, src, out, *options, env=None):
    result = runner.invoke(
        app, ["deid", str(model_dir), str(src), str(out), "--mode", "surrogate", "--no-progress", *map(str, options)], env=env
    )
    return result, (out / "a.txt").read_text() if (out / "a.txt").exists() else None


def test_same_key_from_file_env_or_seed_gives_the_same_output_and_is_never_printed(model_dir, src, tmp_path):
    r_file, by_file = run(model_dir, src, tmp_path / "o1", "--key-file", key_file(tmp_path, KEY + "\n"))
    r_env, by_env = run(model_dir, src, tmp_path / "o2", env={DEFAULT_KEY_ENV: KEY})
    r_named, by_named = run(model_dir, src, tmp_path / "o3", "--key-env", "MY_KEY", env={"MY_KEY": f"  {KEY}  "})
    r_seed, by_seed = run(model_dir, src, tmp_path / "o4", "--seed", KEY)
    for result in (r_file, r_env, r_named, r_seed):
        assert result.exit_code == 0, result.output
        assert KEY not in result.output and KEY[:8] not in result.output
        assert "random key" not in result.output
    assert by_file == by_env == by_named == by_seed != NOTE
    assert "Zebulon" not in by_file
    (tmp_path / "k2").mkdir()
    _, other = run(model_dir, src, tmp_path / "o5", "--key-file", key_file(tmp_path / "k2", "another-key-entirely-0123456789"))
    assert other != by_file


def test_seed_on_the_command_line_prints_a_warning(model_dir, src, tmp_path):
    result, _ = run(model_dir, src, tmp_path / "o", "--seed", KEY)
    assert result.exit_code == 0
    assert "--seed puts the key on the command line" in result.output and "--key-file" in result.output


@pytest.mark.parametrize("how", ["file", "blank-file", "env", "seed"])
def test_empty_key_is_refused(model_dir, src, tmp_path, how):
    if how == "file":
        result, out = run(model_dir, src, tmp_path / "o", "--key-file", key_file(tmp_path, ""))
    elif how == "blank-file":
        result, out = run(model_dir, src, tmp_path / "o", "--key-file", key_file(tmp_path, " \n"))
    elif how == "env":
        result, out = run(model_dir, src, tmp_path / "o", env={DEFAULT_KEY_ENV: ""})
    else:
        result, out = run(model_dir, src, tmp_path / "o", "--seed", "")
    assert result.exit_code == 1 and "the key is empty" in result.output
    assert out is None


def test_short_key_and_readable_key_file_warn(model_dir, src, tmp_path):
    result, _ = run(model_dir, src, tmp_path / "o", "--key-file", key_file(tmp_path, "short-key", mode=0o644))
    assert result.exit_code == 0
    assert "shorter than 16 characters" in result.output and "readable by other users" in result.output
    assert "short-key" not in result.output.replace(str(tmp_path), "")


def test_no_key_uses_a_random_key_and_says_so(model_dir, src, tmp_path):
    r1, a = run(model_dir, src, tmp_path / "o1")
    r2, b = run(model_dir, src, tmp_path / "o2")
    assert r1.exit_code == r2.exit_code == 0
    assert "random key" in r1.output and "cannot be reproduced" in r1.output
    assert a != NOTE and b != NOTE


def test_key_problems_are_errors(model_dir, src, tmp_path):
    result, _ = run(model_dir, src, tmp_path / "o1", "--key-env", "UNSET_KEY_VARIABLE")
    assert result.exit_code == 1 and "UNSET_KEY_VARIABLE: the environment variable is not set" in result.output
    result, _ = run(model_dir, src, tmp_path / "o2", "--key-file", tmp_path / "missing.key")
    assert result.exit_code == 1 and "cannot read" in result.output
    result, _ = run(model_dir, src, tmp_path / "o3", "--key-file", key_file(tmp_path), "--seed", KEY)
    assert result.exit_code == 1 and "give one key source" in result.output and KEY not in result.output
    bad = tmp_path / "bad.key"
    bad.write_bytes(b"\xff\xfe" + KEY.encode())
    result, _ = run(model_dir, src, tmp_path / "o4", "--key-file", bad)
    assert result.exit_code == 1 and "not UTF-8" in result.output


def test_tag_mode_needs_no_key(model_dir, src, tmp_path):
    result = runner.invoke(app, ["deid", str(model_dir), str(src), str(tmp_path / "o"), "--no-progress"])
    assert result.exit_code == 0 and "random key" not in result.output


def test_resolve_key_order_and_api():
    assert resolve_key(environ={}).is_random
    assert resolve_key(environ={DEFAULT_KEY_ENV: KEY}).key == KEY
    assert resolve_key(seed=KEY, environ={DEFAULT_KEY_ENV: "other-key-from-env-0000"}).key == KEY
    with pytest.raises(KeyProblem):
        resolve_key(key_env="NOPE", environ={})
    # API: key= and its old name seed= are the same key; empty keys are refused
    text, ents = "Zebulon Quist in Boston", [CharSpan(0, 13, "PATIENT"), CharSpan(17, 23, "CITY")]
    by_key = Deidentifier("surrogate", key=KEY).replace(text, ents, "p").text
    assert Deidentifier("surrogate", seed=KEY).replace(text, ents, "p").text == by_key != text
    for kwargs in ({"key": ""}, {"seed": "  "}, {"key": KEY, "seed": KEY}):
        with pytest.raises(ValueError):
            Deidentifier("surrogate", **kwargs)
    assert KEY not in repr(Deidentifier("surrogate", key=KEY).surrogates.key)
