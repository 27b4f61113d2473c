"""The map import as a job: the admin's upload records a row and enqueues its id; a worker reads the file.

``run_import(import_id)`` reloads the row, is safe to run twice (a finished or running import is left
alone), writes its step as it goes and ends with the map in use or a French error; the uploaded file
is removed either way.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from backoffice.geo.models import MapImport, Status
from backoffice.geo.service import MapImportError, import_map
from backoffice.jobs.queue import hand_over

log = logging.getLogger(__name__)
UPLOADS_DIR = "map-uploads"


def uploads_dir() -> Path:
    return Path(settings.BACKOFFICE_DIR) / UPLOADS_DIR


def start_import(commune, uploaded, bbox, user, *, launch=None) -> MapImport:
    """Keep the uploaded file, record the import and enqueue it once the row is committed."""
    folder = uploads_dir()
    folder.mkdir(parents=True, exist_ok=True)
    job = MapImport.objects.create(
        commune=commune,
        file_name=Path(uploaded.name).name[:200],
        south=bbox[0],
        west=bbox[1],
        north=bbox[2],
        east=bbox[3],
        created_by=user if getattr(user, "is_authenticated", False) else None,
        step="En attente d'un traitement",
    )
    suffix = ".osm.pbf" if uploaded.name.lower().endswith(".pbf") else ".osm"
    target = folder / f"import-{job.pk}{suffix}"
    with open(target, "wb") as fh:
        for chunk in uploaded.chunks():
            fh.write(chunk)
    job.stored_path = str(target)
    job.save(update_fields=["stored_path"])
    transaction.on_commit(lambda: (launch or enqueue)(job.pk))
    return job


def enqueue(import_id: int) -> None:
    from backoffice.geo.tasks import import_osm

    def fail() -> None:
        MapImport.objects.filter(pk=import_id, status=Status.QUEUED).update(
            status=Status.FAILED,
            step="",
            finished_at=timezone.now(),
            error="L'import n'a pas pu être confié aux tâches de fond (le courtier ne répond pas). Prévenez la "
            "personne qui s'occupe du serveur, puis recommencez l'import.",
        )

    hand_over(import_osm, import_id, what=f"map import {import_id}", unreachable=fail)


def run_import(import_id: int) -> MapImport:
    with transaction.atomic():
        job = MapImport.objects.select_for_update().get(pk=import_id)
        if job.status != Status.QUEUED:
            return job
        job.status, job.step = Status.RUNNING, "Lecture du fichier OpenStreetMap"
        job.save(update_fields=["status", "step", "updated_at"])

    def progress(step: str) -> None:
        job.step = step
        job.save(update_fields=["step", "updated_at"])

    path = Path(job.stored_path) if job.stored_path else None
    try:
        if path is None or not path.is_file():
            raise MapImportError("le fichier envoyé n'est plus sur le serveur : envoyez-le de nouveau")
        town_map = import_map(path, job.commune, job.bbox, source=job.file_name, progress=progress)
        job.status, job.counts, job.error = Status.DONE, town_map.counts, ""
    except MapImportError as exc:
        job.status, job.error = Status.FAILED, str(exc)
    except Exception as exc:  # noqa: BLE001 - whatever happens, the row says it
        log.exception("map import %s failed", job.pk)
        job.status = Status.FAILED
        job.error = (
            f"Erreur inattendue pendant l'import ({type(exc).__name__}) : la carte précédente reste en service. "
            "Les détails sont dans le journal du serveur."
        )
    finally:
        if path is not None:
            path.unlink(missing_ok=True)
    job.step, job.finished_at = "", timezone.now()
    job.save(update_fields=["status", "counts", "error", "step", "finished_at", "updated_at"])
    return job
