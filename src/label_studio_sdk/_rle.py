"""Label Studio's brush RLE: the one encoder and decoder of its bit stream, in pure Python.

The stream (the layout of the ``rle-pack`` library the Label Studio editor uses) is big-endian bits:
a 32-bit value count, the word size minus one in 5 bits, four run-length field sizes minus one in
4 bits each, then records. A record is a flag bit (1: one word repeated, 0: literal words), 2 bits
choosing a field size, the run length minus one in that many bits, then one word or that many words.
The stream ends with 1..8 zero bits of padding.

The encoder makes the choices the published label-studio-sdk makes, so its output is byte-identical
for the default parameters: a lone value is a one-word literal record; a run of two or more equal
values is a repeated record using the smallest field that holds it; a run longer than the largest
field holds is cut into records of that field.
"""

from __future__ import annotations

from itertools import accumulate
from typing import Dict, Iterable, Iterator, List, NamedTuple, Sequence, Tuple, Union

DEFAULT_WORDSIZE = 8
DEFAULT_RLE_SIZES: Tuple[int, int, int, int] = (3, 4, 8, 16)
HEADER_BITS = 32 + 5 + 4 * 4

_SINGLE_BYTES = [bytes([value]) for value in range(256)]
_CHANGE_MARKS = bytes([0] + [1] * 255)


class Header(NamedTuple):
    """The parameters at the start of a stream."""

    value_count: int
    wordsize: int
    rle_sizes: Tuple[int, ...]


def check_parameters(wordsize: int, rle_sizes: Sequence[int]) -> Tuple[int, ...]:
    """``rle_sizes`` as a tuple; a ValueError when the header cannot hold the parameters."""
    if not 1 <= wordsize <= 32:
        raise ValueError(f"wordsize must be 1..32 bits, not {wordsize}")
    sizes = tuple(rle_sizes)
    if len(sizes) != 4 or not all(1 <= size <= 16 for size in sizes):
        raise ValueError(f"rle_sizes must be four sizes of 1..16 bits, not {list(rle_sizes)}")
    return sizes


# --- encoding ---------------------------------------------------------------------------------------


class _RecordWriter:
    """Bit strings of records for one set of parameters, with the per-value parts cached."""

    def __init__(self, wordsize: int, sizes: Tuple[int, ...]) -> None:
        self.wordsize = wordsize
        self.sizes = sizes
        # Fields by increasing size; the first index wins a tie, as a reader would expect.
        self.by_size = sorted(range(4), key=lambda index: (sizes[index], index))
        self.longest_index = self.by_size[-1]
        self.longest_run = 1 << sizes[self.longest_index]
        self.word_format = f"0{wordsize}b"
        self.words: Dict[int, str] = {}
        self.literals: Dict[int, str] = {}
        self.repeats: Dict[Tuple[int, int], str] = {}
        shortest = self.by_size[0]
        self.literal_prefix = f"0{shortest:02b}" + "0" * sizes[shortest]

    def word(self, value: int) -> str:
        bits = self.words.get(value)
        if bits is None:
            if not 0 <= value < 1 << self.wordsize:
                raise ValueError(f"value {value} does not fit in {self.wordsize} bits")
            bits = self.words[value] = format(value, self.word_format)
        return bits

    def field_for(self, length: int) -> int:
        for index in self.by_size:
            if length <= 1 << self.sizes[index]:
                return index
        return self.longest_index

    def record(self, value: int, length: int) -> str:
        """The record (or, past the longest field, records) of ``length`` (>= 1) copies of ``value``."""
        if length == 1:
            literal = self.literals.get(value)
            if literal is None:
                literal = self.literals[value] = self.literal_prefix + self.word(value)
            return literal
        if length <= self.longest_run:
            record = self.repeats.get((value, length))
            if record is None:
                index = self.field_for(length)
                record = f"1{index:02b}{length - 1:0{self.sizes[index]}b}{self.word(value)}"
                self.repeats[value, length] = record
            return record
        word = self.word(value)
        index, size = self.longest_index, self.sizes[self.longest_index]
        parts = []
        while length > 0:
            part = min(length, self.longest_run)
            parts.append(f"1{index:02b}{part - 1:0{size}b}{word}")
            length -= part
        return "".join(parts)


def encode_runs(
    runs: Iterable[Tuple[int, int]],
    wordsize: int = DEFAULT_WORDSIZE,
    rle_sizes: Sequence[int] = DEFAULT_RLE_SIZES,
) -> bytes:
    """The stream of ``(value, length)`` runs (each length >= 1; neighbours may repeat a value)."""
    sizes = check_parameters(wordsize, rle_sizes)
    writer = _RecordWriter(wordsize, sizes)
    body: List[str] = []
    count = 0
    record = writer.record
    for value, length in runs:
        if length < 1:
            raise ValueError(f"a run must hold at least one value, not {length}")
        count += length
        body.append(record(value, length))
    if count >= 1 << 32:
        raise ValueError(f"a stream holds at most 2**32 - 1 values, not {count}")
    header = f"{count:032b}{wordsize - 1:05b}" + "".join(f"{size - 1:04b}" for size in sizes)
    return _pack(header + "".join(body))


def _pack(bits: str) -> bytes:
    # At least one zero bit of padding, so a stream ending on a byte boundary gets a zero byte (as published).
    size = len(bits) // 8 + 1
    return int(bits.ljust(size * 8, "0"), 2).to_bytes(size, "big")


def byte_runs(data: bytes, repeat: int = 1) -> Iterator[Tuple[int, int]]:
    """``(byte, length)`` runs of ``data``, each byte counted ``repeat`` times (RGBA masks use 4)."""
    if not data:
        return iter(())
    # XOR of the bytes with their successors is non-zero exactly where a run ends; splitting on those
    # places gives every run's length with C loops only.
    changes = int.from_bytes(data[1:], "big") ^ int.from_bytes(data[:-1], "big")
    marks = changes.to_bytes(len(data) - 1, "big").translate(_CHANGE_MARKS)
    lengths = [len(piece) + 1 for piece in marks.split(b"\x01")]
    starts = list(accumulate(lengths, initial=0))
    starts.pop()
    if repeat != 1:
        lengths = [length * repeat for length in lengths]
    return zip(map(data.__getitem__, starts), lengths)


def value_runs(values: Iterable[int]) -> Iterator[Tuple[int, int]]:
    """``(value, length)`` runs of any iterable of ints."""
    iterator = iter(values)
    try:
        current = next(iterator)
    except StopIteration:
        return
    length = 1
    for value in iterator:
        if value == current:
            length += 1
        else:
            yield current, length
            current, length = value, 1
    yield current, length


def encode(
    values: Union[bytes, bytearray, Sequence[int]],
    wordsize: int = DEFAULT_WORDSIZE,
    rle_sizes: Sequence[int] = DEFAULT_RLE_SIZES,
) -> bytes:
    """The stream of a flat sequence of values (each below ``2 ** wordsize``)."""
    if isinstance(values, (bytes, bytearray)):
        return encode_runs(byte_runs(bytes(values)), wordsize, rle_sizes)
    if wordsize >= 8 and isinstance(values, (list, tuple)):
        try:  # bytes() checks the range in C, and byte runs are found far faster than int runs
            return encode_runs(byte_runs(bytes(values)), wordsize, rle_sizes)
        except (TypeError, ValueError):
            pass
    return encode_runs(value_runs(values), wordsize, rle_sizes)


# --- decoding ---------------------------------------------------------------------------------------


def as_stream_bytes(rle: Iterable[int]) -> bytes:
    """``rle`` (bytes, a list of ints 0..255 or an array's ``tolist()``) as bytes; a ValueError otherwise."""
    if isinstance(rle, (bytes, bytearray)):
        return bytes(rle)
    items = rle.tolist() if hasattr(rle, "tolist") else rle  # numpy arrays of any integer dtype
    try:
        return bytes(items)
    except (TypeError, ValueError):
        pass
    for position, item in enumerate(items):
        if isinstance(item, bool) or not isinstance(item, int) or not 0 <= item <= 255:
            raise ValueError(f"RLE item {position} must be a byte (an int 0..255), not {item!r}") from None
    raise ValueError("RLE must be a sequence of bytes (ints 0..255)")


def read_header(bits: str) -> Header:
    """The header at the start of a bit string; a ValueError when the stream is too short."""
    if len(bits) < HEADER_BITS:
        raise ValueError(
            f"RLE stream too short: the header needs {HEADER_BITS} bits (7 bytes), got {len(bits)} bits"
        )
    sizes = tuple(int(bits[37 + 4 * index : 41 + 4 * index], 2) + 1 for index in range(4))
    return Header(int(bits[:32], 2), int(bits[32:37], 2) + 1, sizes)


def decode(rle: Iterable[int]) -> Tuple[Header, Union[bytearray, List[int]]]:
    """The header and the values of a stream: a bytearray for word sizes up to 8, else a list of ints.

    A malformed stream (too short, a record cut off, runs past the declared count) raises ValueError
    naming the bit position.
    """
    data = as_stream_bytes(rle)
    bits = format(int.from_bytes(data, "big"), f"0{len(data) * 8}b") if data else ""
    header = read_header(bits)
    if header.wordsize <= 8:
        return header, _decode_bytes(bits, header)
    return header, _decode_words(bits, header)


def _record_error(kind: str, position: int, done: int, header: Header) -> ValueError:
    return ValueError(
        f"malformed RLE: {kind} in the record at bit {position} (after {done} of {header.value_count} values)"
    )


def _decode_bytes(bits: str, header: Header) -> bytearray:
    word, sizes, total = header.wordsize, header.rle_sizes, header.value_count
    end = len(bits)
    out = bytearray()
    position = HEADER_BITS
    done = 0
    while done < total:
        start = position
        if position + 3 > end:
            raise _record_error("stream ends", start, done, header)
        repeated = bits[position] == "1"
        size = sizes[int(bits[position + 1 : position + 3], 2)]
        position += 3
        if position + size > end:
            raise _record_error("stream ends", start, done, header)
        length = int(bits[position : position + size], 2) + 1
        position += size
        if done + length > total:
            raise _record_error(f"a run of {length} goes past the count", start, done, header)
        if repeated:
            if position + word > end:
                raise _record_error("stream ends", start, done, header)
            out += _SINGLE_BYTES[int(bits[position : position + word], 2)] * length
            position += word
        else:
            if position + word * length > end:
                raise _record_error("stream ends", start, done, header)
            out += bytes(
                int(bits[at : at + word], 2) for at in range(position, position + word * length, word)
            )
            position += word * length
        done += length
    return out


def _decode_words(bits: str, header: Header) -> List[int]:
    word, sizes, total = header.wordsize, header.rle_sizes, header.value_count
    end = len(bits)
    out: List[int] = []
    position = HEADER_BITS
    while len(out) < total:
        start, done = position, len(out)
        if position + 3 > end:
            raise _record_error("stream ends", start, done, header)
        repeated = bits[position] == "1"
        size = sizes[int(bits[position + 1 : position + 3], 2)]
        position += 3
        if position + size > end:
            raise _record_error("stream ends", start, done, header)
        length = int(bits[position : position + size], 2) + 1
        position += size
        if done + length > total:
            raise _record_error(f"a run of {length} goes past the count", start, done, header)
        needed = word if repeated else word * length
        if position + needed > end:
            raise _record_error("stream ends", start, done, header)
        if repeated:
            out.extend([int(bits[position : position + word], 2)] * length)
        else:
            out.extend(int(bits[at : at + word], 2) for at in range(position, position + needed, word))
        position += needed
    return out
