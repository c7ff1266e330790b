"""A papermill engine that runs a report notebook in this process, through ipykernel's in-process kernel.

Why: a scheduled report paid for a kernel process (start and shutdown ~0.8 s) that imported
pandas, matplotlib and ledgerlib again (~1 s) after the runner had. The in-process kernel is
ipykernel itself (the same IPython shell, display publisher and stream capture), driven
synchronously: each cell is one `execute_request`; its iopub messages become outputs with
nbformat's `output_from_msg`, as nbclient does for a kernel process. papermill still
parameterises, tracks and writes the notebook (progress bar, error banner, metadata).

Registered with papermill as `ledger-inprocess` (`register()`), and used by
`ledgerlib.reports.execute_notebook`. One report per process: the kernel's namespace is
dropped after each run, but modules it imported stay imported (that is the point).

    >>> from ledgerlib import engine
    >>> engine.register()  # then papermill.execute_notebook(..., engine_name="ledger-inprocess")
    'ledger-inprocess'
"""
from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from typing import Any

ENGINE_NAME = "ledger-inprocess"
#: Seconds to wait for the kernel's idle status once a cell has replied (output still in flight).
IOPUB_TIMEOUT = 60


def skip_slow_format_checks() -> None:
    """Keep jsonschema from building rfc3987_syntax's grammars (~1.6 s) when nbformat loads.

    nbformat imports jsonschema, whose optional IRI format check imports `rfc3987_syntax`
    (pulled in by jupyterlab's dependencies) and builds 38 grammars at import. nbformat
    never checks formats, so the runner marks the module absent; jsonschema then skips it.
    Does nothing once jsonschema is loaded, and never touches other processes.

    Example::

        skip_slow_format_checks()   # before the first `import nbformat`
        import nbformat
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


class InProcessKernel:
    """ipykernel's in-process kernel with a blocking client: run code, get nbformat outputs."""

    def __init__(self) -> None:
        # ipykernel loads debugpy, which warns on stderr that frozen modules may hide
        # breakpoints: nobody debugs a scheduled report.
        os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
        from ipykernel.inprocess.manager import InProcessKernelManager

        self.km = InProcessKernelManager()
        self.km.start_kernel()
        self.kc = self.km.client()
        self.kc.start_channels()
        # The in-process shell is a singleton: a second report in the same process (tests,
        # a batch) starts from a clean namespace and In [1], as a fresh kernel would.
        shell = self.km.kernel.shell
        shell.reset(new_session=True)  # also In [1] again
        msg_id = self.kc.kernel_info()
        self.kernel_info: dict[str, Any] = self._reply(msg_id)["content"]
        self._messages(msg_id)

    def _reply(self, msg_id: str) -> dict:
        reply = self.kc.get_shell_msg(timeout=None)
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = self.kc.get_shell_msg(timeout=None)
        return reply

    def _messages(self, msg_id: str) -> list[dict]:
        """The iopub messages of one request, up to its `idle` status.

        They arrive from the kernel's iopub thread, after the shell reply: a request is
        complete only when its idle status has come, as for a kernel process. One request
        runs at a time, so everything before that idle belongs to it (the in-process
        kernel's stdout/stderr streams do not carry the request's parent header).
        """
        found = []
        while True:
            msg = self.kc.get_iopub_msg(timeout=IOPUB_TIMEOUT)
            if msg["msg_type"] == "status":
                if (msg["content"].get("execution_state") == "idle"
                        and msg["parent_header"].get("msg_id") == msg_id):
                    return found
                continue
            found.append(msg)

    def run(self, code: str) -> tuple[list, int | None, dict | None]:
        """Execute code; (outputs, execution_count, error content or None).

        Example::

            kernel = InProcessKernel()
            outputs, count, error = kernel.run("1 + 1")   # -> ([{'output_type': 'execute_result', ...}], 1, None)
            kernel.shutdown()
        """
        from nbformat.v4 import output_from_msg

        msg_id = self.kc.execute(code, store_history=True)
        reply = self._reply(msg_id)
        outputs: list = []
        count = None
        clear_pending = False
        for msg in self._messages(msg_id):
            kind, content = msg["msg_type"], msg["content"]
            if kind == "execute_input":
                count = content.get("execution_count")
            elif kind == "clear_output":
                if content.get("wait"):
                    clear_pending = True
                else:
                    outputs.clear()
            elif kind in ("stream", "display_data", "execute_result", "error"):
                if clear_pending:
                    outputs.clear()
                    clear_pending = False
                outputs.append(output_from_msg(msg))
            # status, update_display_data, comm_*: nothing the reports show
        content = reply["content"]
        count = content.get("execution_count", count)
        error = content if content.get("status") == "error" else None
        return outputs, count, error

    def shutdown(self) -> None:
        """Stop the kernel and its client threads (after the last cell).

        Example::

            kernel = InProcessKernel()
            kernel.run("x = 1")
            kernel.shutdown()
        """
        kernel = self.km.kernel
        # The iopub thread's clean-up task is left pending when its loop stops; asyncio would
        # print "Task was destroyed but it is pending!" at exit. It holds nothing.
        task = getattr(getattr(kernel, "iopub_thread", None), "_event_pipe_gc_task", None)
        if task is not None:
            task._log_destroy_pending = False
        kernel.shell.reset(new_session=False)  # free the report's tables
        self.kc.stop_channels()
        self.km.shutdown_kernel()
        # Leave no IPython shell behind: code run later in this process (tqdm.auto, ...)
        # would take itself to be in a notebook.
        type(kernel.shell).clear_instance()


def _engine_class():
    from papermill.engines import Engine

    class InProcessEngine(Engine):
        """papermill engine: every code cell through `InProcessKernel`, stop at the first error."""

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
            from papermill.exceptions import PapermillExecutionError

            kernel = InProcessKernel()
            try:
                for index, cell in enumerate(nb_man.nb.cells):
                    with _no_save(nb_man):
                        nb_man.cell_start(cell, index)
                    try:
                        if cell.cell_type != "code" or not cell.source.strip():
                            continue
                        outputs, count, error = kernel.run(cell.source)
                        cell.outputs = outputs
                        cell.execution_count = count
                        if error is not None:
                            exc = PapermillExecutionError(
                                cell_index=index, exec_count=count, source=cell.source,
                                ename=error.get("ename", ""), evalue=error.get("evalue", ""),
                                traceback=error.get("traceback", []))
                            nb_man.cell_exception(cell, cell_index=index, exception=exc)
                            break
                    finally:
                        with _no_save(nb_man):
                            nb_man.cell_complete(cell, cell_index=index)
                        # papermill writes the whole notebook before and after every cell
                        # (~0.3 s a report); save on its own autosave clock instead. The
                        # notebook is always written at the end, failed or not.
                        nb_man.autosave_cell()
                nb_man.nb.metadata["language_info"] = kernel.kernel_info.get("language_info", {})
            finally:
                kernel.shutdown()
            return nb_man.nb

    return InProcessEngine


@contextmanager
def _no_save(nb_man):
    nb_man.save = lambda **kwargs: None  # shadows the method on this instance only
    try:
        yield
    finally:
        del nb_man.save


def register() -> str:
    """Register the engine with papermill (idempotent); returns its name.

    >>> register()
    'ledger-inprocess'
    """
    from papermill.engines import papermill_engines

    if ENGINE_NAME not in papermill_engines._engines:
        papermill_engines.register(ENGINE_NAME, _engine_class())
    return ENGINE_NAME
