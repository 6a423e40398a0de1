"""The home ("tasks") screen: the sampler's day at a glance."""
