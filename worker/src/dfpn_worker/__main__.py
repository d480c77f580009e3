from dfpn_worker.cli import run

# Guarded: the analysis pool's spawned processes import this module again (as __mp_main__) and must not run.
if __name__ == "__main__":
    run()
