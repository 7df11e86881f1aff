"""What a real AWS account does that moto does not, one behaviour per module.

tests/aws/moto_server.py imports every module of this package; each one patches moto's backends
when it is imported, and its docstring says what AWS does and which AWS document says so.
"""
