"""What the ``import_*`` management commands share: options, one transaction per input, the report.

A command only parses its arguments, calls an importer (``backoffice.importers``) and hands the result
to :func:`backoffice.opendata.apply.apply_result`.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.management.base import BaseCommand, CommandError

from backoffice.catalog.models import Status, validate_insee
from backoffice.importers.base import ImporterError, ImportResult
from backoffice.opendata.apply import ApplyReport, ImportRefused, apply_result
from backoffice.opendata.images import ImageFetcher
from backoffice.opendata.progress import ProgressBar


class ImportCommand(BaseCommand):
    source_label = "open data"

    def add_arguments(self, parser):
        parser.add_argument(
            "--commune", default="", help="INSEE code of the commune for records that do not say (e.g. 15187)"
        )
        parser.add_argument(
            "--scope",
            default="",
            help="name of the feed this input is a snapshot of (default: the file name or URL); "
            "what a later snapshot of the same scope no longer holds is withdrawn",
        )
        parser.add_argument(
            "--draft", action="store_true", help="new entries are drafts for staff to publish (default: published)"
        )
        parser.add_argument("--no-images", action="store_true", help="do not download the records' images")
        parser.add_argument(
            "--strict", action="store_true", help="refuse an input when any of its records cannot be mapped"
        )

    def check_commune(self, options) -> str:
        commune = options["commune"].strip()
        if commune:
            try:
                validate_insee(commune)
            except Exception:
                raise CommandError(f"--commune {commune!r} is not an INSEE commune code (five characters)") from None
        return commune

    def source_fetcher(self, user_agent: str):
        """The outbound fetcher for a source address given on the command line (``BORNE_FETCH_ALLOW``)."""
        from django.conf import settings

        from backoffice.importers.base import source_fetcher

        return source_fetcher(user_agent, allow=settings.BORNE_FETCH_ALLOW)

    def run_inputs(self, inputs: list[tuple[str, Callable[[], ImportResult]]], options) -> list[ApplyReport]:
        """Import each ``(scope, load)`` in its own transaction; a refused input does not stop the others."""
        fetcher = None if options["no_images"] else ImageFetcher()
        reports, refused = [], []
        try:
            for scope, load in inputs:
                scope = options["scope"] or scope
                try:
                    result = load()
                    bar = ProgressBar(getattr(self.stderr, "_out", self.stderr), scope.rsplit("/", 1)[-1][:40])
                    try:
                        report = apply_result(
                            result,
                            scope=scope,
                            status=Status.DRAFT if options["draft"] else Status.PUBLISHED,
                            fetcher=fetcher,
                            strict=options["strict"],
                            progress=bar,
                        )
                    finally:
                        bar.close()
                except (ImporterError, ImportRefused) as exc:
                    refused.append(f"{scope}: refused, nothing changed: {exc}")
                    self.stderr.write(self.style.ERROR(refused[-1]))
                    continue
                reports.append(report)
                self.print_report(report)
        finally:
            if fetcher is not None:
                fetcher.close()
        if refused:
            raise CommandError(f"{len(refused)} of {len(inputs)} inputs refused:\n" + "\n".join(refused))
        return reports

    def print_report(self, report: ApplyReport) -> None:
        for problem in report.problems:
            style = self.style.ERROR if problem.severity == "error" else self.style.WARNING
            self.stdout.write(style(f"  {problem}"))
        for key in report.withdrawn:
            self.stdout.write(f"  withdrawn: {key}")
        self.stdout.write(self.style.SUCCESS(report.summary()))
