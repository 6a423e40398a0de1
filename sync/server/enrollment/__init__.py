"""One-time enrollment codes: an admin makes one for a sampler; the sampler's
laptop redeems it once, with the sampler's password, to enroll."""
