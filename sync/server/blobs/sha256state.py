"""A SHA-256 whose running state can be saved and taken up again, by
another process or another server machine.

hashlib cannot export its state, so this drives OpenSSL's SHA256_CTX (the
library Python's own hashlib uses) through ctypes: the context is a plain
112-byte struct (eight state words, bit count, the unhashed tail), which is
saved as bytes. Where libcrypto or its SHA256_* functions are missing,
`available()` is False and callers re-hash from the store instead.
ctypes releases the GIL during the call, so hashing overlaps receiving."""
from __future__ import annotations

import ctypes
import ctypes.util
import hashlib

CTX_SIZE = 112          # sizeof(SHA256_CTX): h[8], Nl, Nh, data[16], num, md_len (32-bit each)
_lib = None
_tried = False


def _crypto():
    global _lib, _tried
    if not _tried:
        _tried = True
        for name in (ctypes.util.find_library("crypto"), "libcrypto.so.3", "libcrypto.so"):
            if not name:
                continue
            try:
                lib = ctypes.CDLL(name)
                for fn in (lib.SHA256_Init, lib.SHA256_Update, lib.SHA256_Final):
                    fn.restype = ctypes.c_int
                lib.SHA256_Update.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t]
                if _selftest(lib):
                    _lib = lib
                    break
            except (OSError, AttributeError):
                continue
    return _lib


def _selftest(lib) -> bool:
    """The struct layout is what this module assumes: a state saved halfway
    and restored into a fresh buffer gives hashlib's digest."""
    data = bytes(range(256)) * 5
    ctx = ctypes.create_string_buffer(CTX_SIZE)
    lib.SHA256_Init(ctx)
    lib.SHA256_Update(ctx, data[:777], 777)
    saved = ctx.raw
    ctx2 = ctypes.create_string_buffer(saved, CTX_SIZE)
    lib.SHA256_Update(ctx2, data[777:], len(data) - 777)
    out = ctypes.create_string_buffer(32)
    lib.SHA256_Final(out, ctx2)
    return out.raw == hashlib.sha256(data).digest()


def available() -> bool:
    return _crypto() is not None


class ResumableSha256:
    """update() / hexdigest() like hashlib, plus state() and from_state()."""

    def __init__(self, state: bytes | None = None):
        lib = _crypto()
        if lib is None:
            raise RuntimeError("OpenSSL SHA256_* not available")
        self._lib = lib
        if state is None:
            self._ctx = ctypes.create_string_buffer(CTX_SIZE)
            lib.SHA256_Init(self._ctx)
        else:
            if len(state) != CTX_SIZE:
                raise ValueError("not a SHA-256 state")
            self._ctx = ctypes.create_string_buffer(bytes(state), CTX_SIZE)

    @classmethod
    def from_state(cls, state: bytes) -> "ResumableSha256":
        return cls(state)

    def update(self, data: bytes | bytearray | memoryview) -> None:
        if not isinstance(data, bytes):
            data = bytes(data)
        self._lib.SHA256_Update(self._ctx, data, len(data))

    def state(self) -> bytes:
        return self._ctx.raw

    def copy(self) -> "ResumableSha256":
        return ResumableSha256(self.state())

    def hexdigest(self) -> str:
        ctx = ctypes.create_string_buffer(self._ctx.raw, CTX_SIZE)    # finalising a copy keeps this one usable
        out = ctypes.create_string_buffer(32)
        self._lib.SHA256_Final(out, ctx)
        return out.raw.hex()
