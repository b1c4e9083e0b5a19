"""Development tools: a local Cognito (moto's emulator) and a login helper.

``make cognito-local`` starts the emulator and seeds it, ``make login`` signs a user in.
"""
