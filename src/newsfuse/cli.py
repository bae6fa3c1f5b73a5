"""The `newsfuse` command: parses arguments, calls the Python API, prints results.

Known errors (NewsfuseError) become one clean line and exit code 2; bad inputs are listed
one per line and counted, and only `--strict` turns them into a failing exit code.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from newsfuse import api
from newsfuse.errors import NewsfuseError
from newsfuse.model import Report, Story
from newsfuse.settings import Settings

app = typer.Typer(
    help="Turn many news reports of the same events into one verified, cited account.",
    no_args_is_help=True,
    add_completion=False,
)
out_console = Console()
err_console = Console(stderr=True)

DbOption = Annotated[Path, typer.Option("--db", help="SQLite database file.", envvar="NEWSFUSE_DB")]


class RichProgress:
    """One bar per stage; stages with unknown totals show a spinner-like running count."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._tasks: dict[str, TaskID] = {}

    def start(self, stage: str, total: int | None = None) -> None:
        self._tasks[stage] = self._progress.add_task(stage, total=total)

    def advance(self, stage: str, n: int = 1) -> None:
        self._progress.advance(self._tasks[stage], n)

    def finish(self, stage: str) -> None:
        task = self._tasks[stage]
        done = self._progress.tasks[task].completed
        self._progress.update(task, total=max(done, 1), completed=max(done, 1))


def _fail(error: NewsfuseError) -> typer.Exit:
    err_console.print(f"[red]error:[/red] {error}", highlight=False)
    return typer.Exit(2)


def _stories_table(stories: Sequence[Story], title: str) -> Table:
    table = Table(title=title)
    table.add_column("story", style="cyan", no_wrap=True)
    table.add_column("title")
    table.add_column("articles", justify="right")
    table.add_column("sources", justify="right")
    table.add_column("dates")
    for s in stories:
        dates = s.first_seen or "?"
        if s.last_seen and s.last_seen != s.first_seen:
            dates += f" … {s.last_seen}"
        table.add_row(s.id, escape(s.title), str(len(s.articles)), str(len(s.sources)), dates)
    return table


def _print_summary(report: Report) -> None:
    stats = Table(title="stages")
    for column in ("stage", "in", "out", "seconds"):
        stats.add_column(column, justify="left" if column == "stage" else "right")
    for st in report.stats:
        stats.add_row(st.stage, str(st.items_in), str(st.items_out), f"{st.seconds:.2f}")
    out_console.print(stats)
    out_console.print(_stories_table(report.stories, f"{len(report.stories)} stories"))


def _bars() -> Progress:
    """One bar per stage on stderr, kept after the run so the timings stay visible."""
    return Progress(
        TextColumn("{task.description:<8}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=False,
    )


@app.command()
def run(
    inputs: Annotated[
        list[str], typer.Argument(help="Files or folders of articles, or feed URLs.")
    ],
    db: DbOption = Path(api.DEFAULT_DB),
    out: Annotated[Path, typer.Option(help="Folder for the report files.")] = Path("out"),
    format: Annotated[
        str,
        typer.Option("--format", help="Comma-separated report formats: md,html,json,parquet."),
    ] = "md,html,json,parquet",
    strict: Annotated[bool, typer.Option(help="Exit non-zero when any input was skipped.")] = False,
    encoder: Annotated[
        str | None, typer.Option(help="Sentence encoder: minilm (quality) or model2vec (speed).")
    ] = None,
    column_map: Annotated[
        str | None,
        typer.Option(
            "--map",
            help="CSV/Parquet column names for the article fields, e.g. body=text,headline=title.",
        ),
    ] = None,
    engine: Annotated[
        str | None, typer.Option(help="Where stages run: local (this process) or dask.")
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(help="Worker processes (cleaning pool; Dask LocalCluster); 0 = per core."),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(help="With --engine dask: a running scheduler, tcp://HOST:PORT."),
    ] = None,
) -> None:
    """Read, clean, deduplicate and cluster INPUTS into stories with cited briefs."""
    formats = [f.strip() for f in format.split(",") if f.strip()]
    unknown = sorted(set(formats) - set(api.FORMATS))
    if unknown:
        raise typer.BadParameter(
            f"unknown format(s) {', '.join(unknown)}; use {', '.join(api.FORMATS)}"
        )
    try:
        if scheduler and engine is None:  # naming a cluster means using it
            engine = "dask"
        settings = Settings.from_env(
            encoder=encoder,
            column_map=column_map,
            engine=engine,
            workers=workers,
            scheduler=scheduler,
        )
        with _bars() as bars:
            report = api.run(
                inputs,
                db=db,
                out=out,
                formats=formats,
                settings=settings,
                progress=RichProgress(bars),
            )
    except NewsfuseError as e:
        raise _fail(e) from e
    for problem in report.problems:
        err_console.print(
            f"[yellow]skipped[/yellow] {escape(str(problem))}", highlight=False, soft_wrap=True
        )
    _print_summary(report)
    out_console.print(
        f"{report.new_articles} new article(s) stored in {db}; "
        f"{len(report.problems)} input(s) skipped; reports in {out}/"
    )
    if strict and report.problems:
        raise typer.Exit(1)


@app.command()
def ingest(
    inputs: Annotated[list[Path], typer.Argument(help="Files or folders of articles.")],
    db: DbOption = Path(api.DEFAULT_DB),
    out: Annotated[
        Path | None, typer.Option(help="Folder for reports of the stories that changed.")
    ] = None,
    strict: Annotated[bool, typer.Option(help="Exit non-zero when any input was skipped.")] = False,
    batch: Annotated[
        int | None, typer.Option(help="Articles per atomic batch (NEWSFUSE_INGEST_BATCH).")
    ] = None,
    index_days: Annotated[
        int | None,
        typer.Option(help="Days of publication dates kept in the in-memory index; 0 = all."),
    ] = None,
    encoder: Annotated[
        str | None, typer.Option(help="Sentence encoder: minilm (quality) or model2vec (speed).")
    ] = None,
) -> None:
    """Add INPUTS to an existing database: new articles join stories, only changed stories
    are re-analysed, and ingesting the same input again changes nothing."""
    try:
        settings = Settings.from_env(encoder=encoder, ingest_batch=batch, index_days=index_days)
        with _bars() as bars:
            result = api.ingest(
                inputs, db, settings, RichProgress(bars), out=out, formats=api.FORMATS
            )
    except NewsfuseError as e:
        raise _fail(e) from e
    for problem in result.problems:
        err_console.print(
            f"[yellow]skipped[/yellow] {escape(str(problem))}", highlight=False, soft_wrap=True
        )
    for old, new in sorted(result.stories_merged.items()):
        out_console.print(f"story {old} now continues as {new}", highlight=False)
    out_console.print(
        f"{result.new_articles} new article(s) ({result.duplicates} copies), "
        f"{result.updated_articles} updated, {result.unchanged} already stored; "
        f"{len(result.stories_changed)} story(ies) changed in {result.batches} batch(es); "
        f"{len(result.problems)} input(s) skipped" + (f"; reports in {out}/" if out else ""),
        highlight=False,
    )
    if strict and result.problems:
        raise typer.Exit(1)


@app.command()
def stories(
    db: DbOption = Path(api.DEFAULT_DB),
    limit: Annotated[int, typer.Option(help="How many stories to list.")] = 50,
    offset: Annotated[int, typer.Option(help="Skip this many stories.")] = 0,
) -> None:
    """List the stories in the database, most recent first."""
    try:
        found = api.stories(db, limit=limit, offset=offset)
    except NewsfuseError as e:
        raise _fail(e) from e
    out_console.print(_stories_table(found, f"stories in {db}"))


@app.command()
def show(
    story_id: Annotated[str, typer.Argument(help="A story id, as `newsfuse stories` lists.")],
    db: DbOption = Path(api.DEFAULT_DB),
) -> None:
    """Show one story: its summary with citations and why each article is in it."""
    try:
        story, articles = api.story(db, story_id)
    except NewsfuseError as e:
        raise _fail(e) from e
    by_id = {a.id: a for a in articles}
    out_console.print(f"[bold]{escape(story.title)}[/bold]", highlight=False)
    out_console.print(f"{story.first_seen or '?'} … {story.last_seen or '?'}; {story.id}")
    for i, sentence in enumerate(story.summary, 1):
        cites = ", ".join(sentence.citations)
        out_console.print(
            f"{i}. {escape(sentence.text)} [dim]\\[{escape(cites)}][/dim]", highlight=False
        )
    table = Table(title="articles")
    for column in ("article", "source", "published", "why in this story"):
        table.add_column(column)
    for member in story.members:
        a = by_id.get(member.article)
        table.add_row(
            member.article,
            escape(a.source) if a else "?",
            (a.published if a else None) or "?",
            escape(member.reason),
        )
    out_console.print(table)


@app.command()
def serve(
    db: DbOption = Path(api.DEFAULT_DB),
    host: Annotated[str, typer.Option(help="Address to listen on; loopback by default.")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(help="TCP port.", min=1, max=65535)] = 8000,
    token: Annotated[
        str | None,
        typer.Option(
            help="Bearer token that writes (POST /api/articles) must send; without one the "
            "server is read-only.",
            envvar="NEWSFUSE_TOKEN",
            show_envvar=True,
        ),
    ] = None,
    workers: Annotated[
        int, typer.Option(help="Server processes; more use more cores.", min=1, max=64)
    ] = 1,
) -> None:
    """Serve the web pages and the JSON API (docs at /docs) over the database."""
    if host not in ("127.0.0.1", "localhost", "::1"):
        err_console.print(
            f"[yellow]warning:[/yellow] listening on {escape(host)}: reachable from other machines",
            highlight=False,
        )
    mode = "writes need the token" if token else "read-only (no --token)"
    err_console.print(f"newsfuse: http://{escape(host)}:{port}/ over {db}; {mode}", highlight=False)
    try:
        api.serve(db, host=host, port=port, token=token, workers=workers)
    except NewsfuseError as e:
        raise _fail(e) from e


def main() -> None:  # pragma: no cover - console entry point
    sys.exit(app())


if __name__ == "__main__":  # pragma: no cover - `python -m newsfuse.cli`
    main()
