# expect: Dict entry 0 has incompatible type
"""Portkey metadata maps strings to strings: a number is a type error."""

from ftjobs import PortkeyOptions

options: PortkeyOptions = {"metadata": {"n": 1}}
