"""Runnerly's published events, one module per publishing service.

A service's events are its public contract, like its HTTP API: they live
here, not in the service, so that a subscriber never imports its publisher.
"""
