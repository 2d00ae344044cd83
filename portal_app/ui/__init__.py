"""Reflex layer: states (thin: read the form, call one domain function, show the result) and pages."""
