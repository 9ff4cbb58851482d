"""Building on a Dask cluster: a real scheduler and two workers on 127.0.0.1 (e2e), the
workers unable to read the source folders (Landlock, `confined.py`), build the same bytes as
a local build, report a document's error at its line while the others build,
lose nothing to a worker killed mid-job and get nothing to do on a rebuild with no change; an
address off this machine without TLS, and a scheduler that does not answer, are one-line
errors (in-process)."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

import confined
from conftest import MINIMAL, SAMPLE, write_doc
import pipeline
from pipeline import project as projects, styles
from pipeline.commands.cli import main
from pipeline.house import style as house
from pipeline.jobs import batch, cluster

DASK = Path(sys.executable).parent / "dask"
SETTINGS = Path(__file__).resolve().parent.parent / "benchmarks" / "dask.yaml"
CODE = [Path(package.__path__[0]).resolve() for package in (pipeline, styles)]  # our package


def outputs(out: Path) -> dict[str, bytes]:
    return {path.relative_to(out).as_posix(): path.read_bytes()
            for path in out.rglob("*.*") if path.is_file() and ".briefing-cache" not in path.parts
            and path.name != ".briefing-cache.json"}


# The rules, in-process ------------------------------------------------------------------

@pytest.mark.parametrize("address", ["tcp://10.0.0.5:8786", "192.168.1.2:8786",
                                     "tcp://scheduler.example.org:8786", "tcp://[2001:db8::1]:8786"])
def test_a_scheduler_off_this_machine_is_refused_without_tls(address):
    with pytest.raises(cluster.ClusterError, match="refusing the scheduler .* tls://"):
        cluster.security(address, None)


def test_tls_needs_the_certificates_and_a_loopback_address_needs_none(tmp_path):
    with pytest.raises(cluster.ClusterError, match="tls_ca, tls_cert and tls_key"):
        cluster.security("tls://10.0.0.5:8786", None)
    with pytest.raises(cluster.ClusterError, match="tcp:// .* or tls://"):
        cluster.security("ws://127.0.0.1:8786", None)
    assert cluster.security("tcp://127.0.0.1:8786", None) is None
    assert cluster.security("localhost:8786", None) is None
    files = {name: str(tmp_path / f"{name}.pem") for name in ("ca", "cert", "key")}
    settings = cluster.security("tls://10.0.0.5:8786", files)
    assert settings.require_encryption and settings.tls_ca_file == files["ca"]


def test_the_command_refuses_an_address_off_this_machine(tmp_path, capsys, monkeypatch):
    write_doc(tmp_path / "source" / "a")
    (tmp_path / "briefing.toml").write_text('scheduler = "tcp://10.0.0.5:8786"\n')
    monkeypatch.chdir(tmp_path)
    assert main(["build"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("briefing: error: refusing the scheduler")
    assert not (tmp_path / "output").exists()


def test_an_unreachable_scheduler_is_one_line_and_exit_1(tmp_path, capsys, monkeypatch):
    write_doc(tmp_path / "source" / "a")
    (tmp_path / "briefing.toml").write_text("")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cluster, "CONNECT_SECONDS", 1)
    assert main(["build", "--scheduler", f"tcp://127.0.0.1:{_free_port()}"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot reach the Dask scheduler at tcp://127.0.0.1:" in err


def test_without_dask_the_command_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(cluster.ClusterError, match=r"pip install 'briefing\[cluster\]'"):
        cluster.Cluster("tcp://127.0.0.1:8786")


def test_a_daemon_worker_refuses_the_unit_saying_which_setting_to_change(monkeypatch):
    """Dask's default daemon workers may not start the child process that builds."""
    monkeypatch.setattr(cluster.multiprocessing, "current_process",
                        lambda: SimpleNamespace(daemon=True))
    with pytest.raises(RuntimeError, match="daemon: false.*DASK_DISTRIBUTED__WORKER__DAEMON"):
        cluster._run({"code": cluster.code()}, {}, None)


def test_the_project_gives_the_scheduler_and_all_three_certificates(tmp_path):
    (tmp_path / "briefing.toml").write_text('scheduler = "tls://10.0.0.5:8786"\n'
                                            'tls_ca = "ca.pem"\ntls_cert = "c.pem"\n')
    project = projects.find(tmp_path)
    assert project.scheduler == "tls://10.0.0.5:8786"
    with pytest.raises(projects.ProjectError, match="TLS also needs tls_key"):
        project.tls
    (tmp_path / "briefing.toml").write_text('tls_ca = "ca.pem"\ntls_cert = "c.pem"\n'
                                            'tls_key = "k.pem"\n')
    assert projects.find(tmp_path).tls == {"ca": str(tmp_path / "ca.pem"),
                                           "cert": str(tmp_path / "c.pem"),
                                           "key": str(tmp_path / "k.pem")}


# A real cluster ---------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _readable() -> list[str]:
    """What a worker may read: the system, Python, the installed packages and our code,
    nothing of the repository's documents nor of the tests' folders."""
    system = ["/usr", "/lib", "/lib64", "/bin", "/sbin", "/etc", "/proc", "/sys"]
    return [*system, sys.prefix, sys.base_prefix, *map(str, CODE)]


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory):
    """`dask scheduler` and two `dask worker` processes on 127.0.0.1, each in a folder of its
    own that is also its home, holding the README's Dask settings (`benchmarks/dask.yaml`,
    which turns off daemon workers: without it no unit builds). With Landlock (Linux 5.13+),
    the workers can read nothing but the system, Python and our code, and write only in their
    own folder: no source folder; their address."""
    address = f"tcp://127.0.0.1:{_free_port()}"
    started = []

    def start(*args: str, confine: bool = False) -> None:
        folder = tmp_path_factory.mktemp("dask")
        (folder / ".config" / "dask").mkdir(parents=True)
        shutil.copy(SETTINGS, folder / ".config" / "dask" / "briefing.yaml")
        env = {**os.environ, "TMPDIR": str(folder), "HOME": str(folder)}
        command = [str(DASK), *args]
        if confine and confined.abi():
            command = [sys.executable, confined.__file__, *(f"--read={path}" for path in
                                                             _readable()),
                       f"--write={folder}", "--write=/dev", "--", *command]
        started.append(subprocess.Popen(command, cwd=folder, env=env, start_new_session=True,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))

    start("scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1],
          "--no-dashboard")
    for _ in range(2):
        start("worker", address, "--nworkers", "1", "--nthreads", "1", "--no-dashboard",
              "--local-directory", "work", confine=True)
    from distributed import Client

    with Client(address, timeout=60) as client:
        client.wait_for_workers(2, timeout=60)
    yield address
    for process in started:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@pytest.mark.e2e
def test_the_workers_cannot_read_the_source_folder(scheduler, tmp_path):
    if not confined.abi():
        pytest.skip("this kernel has no Landlock to confine the workers")
    from distributed import Client

    write_doc(tmp_path / "source" / "a")
    with Client(scheduler) as client:
        for path in (SAMPLE / "en.md", tmp_path / "source" / "a" / "en.md"):
            with pytest.raises(PermissionError):
                client.run(open, str(path), "rb")
        assert all("cluster.py" in names
                   for names in client.run(os.listdir, str(CODE[0] / "jobs")).values())


@pytest.mark.e2e
def test_the_sample_built_on_the_cluster_is_byte_identical(scheduler, sample_outputs, tmp_path,
                                                           capsys):
    out = tmp_path / "out"
    assert main(["build", str(SAMPLE), "--out", str(out), "--scheduler", scheduler]) == 0
    built = outputs(out / SAMPLE.name)
    assert len(built) == 9  # three languages, PDF, DOCX and HTML
    assert built == outputs(sample_outputs)
    assert "built 9, skipped 0, failed 0" in capsys.readouterr().out
    with cluster.Cluster(scheduler) as connected:  # nothing changed: nothing sent
        jobs = batch.plan(sorted(SAMPLE.glob("*.md")), ["pdf", "docx", "html"], out,
                          house.locate(), os.environ["BRIEFING_REGISTRY"])
        summary = batch.run(jobs, remote=connected.execute)
        assert len(summary.skipped) == 9 and connected.units == 0
        (SAMPLE / "en.md").touch()  # the same bytes: still nothing to build
        assert len(batch.run(jobs, remote=connected.execute).skipped) == 9


@pytest.mark.e2e
def test_an_error_names_our_file_and_line_while_the_others_build(scheduler, tmp_path, capsys):
    source = tmp_path / "source"
    for name in ("a", "c"):
        write_doc(source / name)
    write_doc(source / "b", MINIMAL.replace("More text.", "More[^nope] text."))
    out = tmp_path / "out"
    assert main(["build", str(source), "--out", str(out), "--format", "pdf",
                 "--scheduler", scheduler]) == 1
    assert sorted(outputs(out)) == [f"{name}/IOR5387872024ENGLISH.pdf" for name in ("a", "c")]
    captured = capsys.readouterr()
    assert captured.err.count(f"{source / 'b' / 'en.md'}:10:5: error: footnote '[^nope]'") == 1
    assert "dask-scratch" not in captured.err and "/unit-" not in captured.err
    assert "built 2, skipped 0, failed 1" in captured.out


@pytest.mark.e2e
def test_a_worker_killed_mid_job_loses_nothing(scheduler, tmp_path):
    from test_batch import long_doc

    jobs = [batch.Job(long_doc(tmp_path / "source" / f"doc{n}"), "pdf", tmp_path / "out",
                      house.locate()) for n in range(4)]
    from distributed import Client

    with Client(scheduler) as client, cluster.Cluster(scheduler) as connected:
        pids = client.run(os.getpid)
        summaries = []
        runner = threading.Thread(target=lambda: summaries.append(batch.run(
            jobs, remote=connected.execute, progress=False, verbosity=-1)))
        runner.start()
        for _ in range(600):  # until a worker is building, at most a minute
            busy = [worker for worker, keys in client.processing().items() if keys]
            if busy:
                break
            time.sleep(0.1)
        time.sleep(1)
        os.kill(pids[busy[0]], signal.SIGKILL)
        runner.join(timeout=600)
        assert not runner.is_alive()
    assert len(summaries[0].built) == 4 and not summaries[0].failed
    built = outputs(tmp_path / "out")
    assert sorted(built) == [f"doc{n}/IOR5387872024ENGLISH.pdf" for n in range(4)]
    assert all(data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
               for data in built.values())
    assert not list((tmp_path / "out").rglob("*.tmp"))
    manifest = batch.Manifest(tmp_path / "out")
    assert all(manifest.fresh(job.source, "pdf", job.house, job.options) for job in jobs)


def test_a_worker_running_other_code_refuses_the_unit():
    with pytest.raises(RuntimeError, match="install the same version on every worker"):
        cluster._run({"code": "0" * 64, "jobs": [], "folder": "/", "files": {}}, {}, None)
