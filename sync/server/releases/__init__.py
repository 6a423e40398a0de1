"""The app release the province publishes (version and download location),
and the protocol versions this server still answers."""
