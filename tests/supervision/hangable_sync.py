"""``python hangable_sync.py --data DIR``: the real sync process (as tests.e2e.sync_proc runs it),
with the limit after which a job counts as stuck cut from hours to two seconds. Nothing else changes."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import sync.service  # noqa: E402
from tests.e2e import sync_proc  # noqa: E402

sync.service.STUCK_AFTER = {sync.service.JOB_SYNC: 2.0}
sync.service.STUCK_AFTER_OTHERS = 2.0
sys.exit(sync_proc.main(sys.argv[1:]))
