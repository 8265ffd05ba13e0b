# expect: Incompatible types
"""A python grader without its source is a type error."""

from ftjobs import MethodParam

method: MethodParam = {"type": "reinforcement", "reinforcement": {"grader": {"type": "python", "name": "g"}}}
