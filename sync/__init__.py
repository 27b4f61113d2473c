"""Borne's sync job: keeps a kiosk's content cache current from the back office.

Its own process, run by APScheduler (:mod:`sync.service`); the content cache's only writer. It pulls
the feed (:mod:`sync.client`), applies changes atomically (:mod:`sync.job`), imports signed offline
bundles, and sends the heartbeat with the usage counters. It never imports ``kiosk``.
"""
