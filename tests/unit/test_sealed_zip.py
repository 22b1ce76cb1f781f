"""The assurance pack's seal: it verifies as built, with our checker and with standard tools (sha256sum and
openssl), and one changed byte in any file, or in the archive itself, makes it fail."""

from __future__ import annotations

import io
import subprocess
import zipfile

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from app.reports.sealed_zip import MANIFEST, PUBLIC_KEY, SIGNATURE, check, seal

FILES = {"cohort.json": b'{"name": "Cohort A"}\n', "sample/piece-1.json": b'{"marks": [62, 58]}\n'}


def _key():
    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, public


@pytest.fixture(scope="module")
def keys():
    return _key()


@pytest.fixture(scope="module")
def pack(keys):
    return seal(FILES, keys[0])


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _rezip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_sealed_pack_checks_out_and_lists_its_files(pack, keys):
    report = check(pack, [keys[1]])
    assert report.ok, report.problems
    assert report.files == sorted(FILES)


def test_the_same_contents_make_the_same_archive(keys):
    assert _members(seal(FILES, keys[0]))[MANIFEST] == _members(seal(FILES, keys[0]))[MANIFEST]


@pytest.mark.parametrize("name", [*sorted(FILES), MANIFEST, SIGNATURE, PUBLIC_KEY])
def test_one_changed_byte_in_any_file_fails(pack, keys, name):
    members = _members(pack)
    changed = bytearray(members[name])
    changed[len(changed) // 2] ^= 0x01
    members[name] = bytes(changed)
    assert not check(_rezip(members), [keys[1]]).ok


def test_one_changed_byte_anywhere_in_the_archive_fails(pack, keys):
    for offset in range(0, len(pack), max(1, len(pack) // 41)):
        damaged = bytearray(pack)
        damaged[offset] ^= 0xFF
        assert not check(bytes(damaged), [keys[1]]).ok, f"a change at byte {offset} went unnoticed"


def test_a_pack_signed_by_another_key_is_refused(pack):
    report = check(pack, [_key()[1]])
    assert f"{PUBLIC_KEY} is not one of the issuer's published keys" in report.problems


def test_an_added_file_is_refused(pack, keys):
    members = {**_members(pack), "extra.txt": b"slipped in"}
    assert "extra.txt is not in SHA256SUMS" in check(_rezip(members), [keys[1]]).problems


def test_a_file_that_is_not_a_zip_is_refused(keys):
    assert not check(b"not a zip at all", [keys[1]]).ok


def test_standard_tools_check_it_as_the_readme_says(pack, tmp_path):
    """sha256sum and openssl, not our code: the documented way to check a pack by hand."""
    with zipfile.ZipFile(io.BytesIO(pack)) as archive:
        archive.extractall(tmp_path)
    sums = subprocess.run(["sha256sum", "-c", MANIFEST], cwd=tmp_path, capture_output=True, text=True)
    assert sums.returncode == 0, sums.stdout + sums.stderr
    signed = subprocess.run(
        ["openssl", "dgst", "-sha256", "-verify", PUBLIC_KEY, "-signature", SIGNATURE, MANIFEST],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert signed.returncode == 0 and "Verified OK" in signed.stdout, signed.stdout + signed.stderr
    (tmp_path / "cohort.json").write_bytes(b'{"name": "Cohort B"}\n')
    assert subprocess.run(["sha256sum", "-c", MANIFEST], cwd=tmp_path, capture_output=True).returncode != 0
