"""The kit's shipped data files, installed as the package ``sacro_kit.data`` (see ``sacro_kit.io.resources``).

This folder holds no code; the file makes it a regular package so ``importlib.resources`` finds it in editable
installs as well as wheels.
"""
