"""Tests that run real TensorFlow and show the behaviour each catalogue entry claims."""
