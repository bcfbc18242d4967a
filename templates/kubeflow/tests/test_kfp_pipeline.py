"""The Kubeflow pipeline compiles to a spec KFP loads back, with the gate guarding registration.

Running it end to end (`python src/kfp_pipeline.py run-local`) takes a minute; create-ml-ci-cd's
verification runs it on a good and on a deliberately bad model.
"""

from pathlib import Path

import yaml

import kfp_pipeline


def test_compiles_to_a_spec_kfp_loads_back(tmp_path: Path) -> None:
    spec = kfp_pipeline.compile_spec(tmp_path / "pipeline.yaml")
    document = yaml.safe_load(spec.read_text(encoding="utf-8"))
    assert document["pipelineInfo"]["name"] == kfp_pipeline.PIPELINE_NAME
    tasks = document["root"]["dag"]["tasks"]
    assert {"prepare", "fit", "evaluate"} <= set(tasks)


def test_register_runs_only_when_the_gate_passed(tmp_path: Path) -> None:
    document = yaml.safe_load(kfp_pipeline.compile_spec(tmp_path / "pipeline.yaml").read_text(encoding="utf-8"))
    tasks = document["root"]["dag"]["tasks"]
    (condition,) = [task for name, task in tasks.items() if name.startswith("condition")]
    assert "evaluate" in condition["dependentTasks"]
    assert "== true" in condition["triggerPolicy"]["condition"].replace("True", "true")
    inner = document["components"][condition["componentRef"]["name"]]["dag"]["tasks"]
    assert set(inner) == {"register"}


def test_components_run_in_the_image_named_by_kfp_image() -> None:
    assert kfp_pipeline.IMAGE
    for component in (kfp_pipeline.prepare, kfp_pipeline.fit, kfp_pipeline.evaluate, kfp_pipeline.register):
        container = component.component_spec.implementation.container
        assert container.image == kfp_pipeline.IMAGE
        # kfp is in the image already: nothing is pip-installed when a component starts.
        assert "pip install" not in " ".join(container.command)
