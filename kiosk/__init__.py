"""The visitor's kiosk: a fullscreen Kivy app that reads the content cache.

Nothing here touches the network or writes to the content cache. Importing this package imports
no Kivy: the window is configured by :func:`kiosk.config.configure` and created by
:func:`kiosk.launch.run_app` (or the tour, or a test).
"""
