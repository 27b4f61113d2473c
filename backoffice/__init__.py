"""Borne's municipal back office: a Django project (admin for staff, shopkeeper portal, kiosk feed).

Its dependencies are the ``backoffice`` extra; a kiosk does not install Django.
"""
