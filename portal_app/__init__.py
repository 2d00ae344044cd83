"""Espace Assistance: the member portal and adviser back-office of a health-assistance service."""
