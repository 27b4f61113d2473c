"""Bundles for USB sticks, exported from the admin as a job: for villages whose kiosks have no network."""
