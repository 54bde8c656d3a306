"""`kamae export czml|dis`: one replication of a run folder for a 3-D viewer or a DIS network."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from kamae.cli.app import echo, user_errors
from kamae.errors import KamaeError

export = typer.Typer(
    help="Export one replication of a run folder (docs/interop.md).", no_args_is_help=True
)

FolderArgument = Annotated[Path, typer.Argument(help="A run folder written by `kamae run`.")]
ReplicationOption = Annotated[
    int | None, typer.Option("--replication", help="Replication to export (default: the first).")
]


def _output(value: Path | None, folder: Path, replication: int, suffix: str) -> Path:
    return value if value is not None else Path(folder) / f"replication-{replication}.{suffix}"


def _epoch(text: str) -> dt.datetime:
    try:
        epoch = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise KamaeError(
            f"--epoch {text}: expected an ISO 8601 time, e.g. 2027-01-01T00:00Z"
        ) from None
    return epoch if epoch.tzinfo else epoch.replace(tzinfo=dt.UTC)


@export.command("czml")
@user_errors
def czml(
    folder: FolderArgument,
    replication: ReplicationOption = None,
    out: Annotated[
        Path | None, typer.Option("--output", "-o", help="File (default RUN/replication-K.czml).")
    ] = None,
    epoch: Annotated[
        str, typer.Option(help="UTC time of scenario time 0 in the file (notional).")
    ] = "2027-01-01T00:00:00Z",
    viewer: Annotated[
        Path | None,
        typer.Option(
            "--viewer",
            help="Also write an offline HTML page playing it with this Cesium build "
            "(node_modules/cesium of `npm install cesium`).",
        ),
    ] = None,
) -> None:
    """Write a replication as CZML for a Cesium viewer: threats, interceptors, sensors with
    coverage, fire units, intercepts and leaks over time."""
    from kamae.export import read_replay
    from kamae.export.czml import write_czml

    start = _epoch(epoch)
    replay = read_replay(folder, replication)
    for path in write_czml(replay, _output(out, folder, replay.replication, "czml"), start, viewer):
        echo(str(path))


@export.command("dis")
@user_errors
def dis(
    folder: FolderArgument,
    replication: ReplicationOption = None,
    out: Annotated[
        Path | None, typer.Option("--output", "-o", help="File (default RUN/replication-K.dis).")
    ] = None,
    udp: Annotated[
        str | None,
        typer.Option(
            "--udp", help="Also send each PDU to this loopback HOST:PORT (127.0.0.1:3000)."
        ),
    ] = None,
) -> None:
    """Write a replication as DIS 7 PDUs (Entity State, Fire, Detonation), concatenated in
    time order, and optionally send them over UDP to this machine."""
    from kamae.export import read_replay
    from kamae.export.dis import loopback_address, open_dis, send_udp, write_dis

    open_dis()  # installed, or one line saying how
    if udp is not None:
        loopback_address(udp)  # refused before any work
    replay = read_replay(folder, replication)
    path = _output(out, folder, replay.replication, "dis")
    pdus = write_dis(replay, path)
    echo(f"{path}: {len(pdus)} PDUs")
    if udp is not None:
        echo(f"sent {send_udp(pdus, udp)} PDUs to {udp}")
