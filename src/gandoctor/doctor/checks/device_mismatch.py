"""device-mismatch: an op got tensors on two devices; the finding names where the stray one was made.

``netG.to("cuda")`` and ``z = torch.randn(B, nz)`` (on the CPU) crash at the first layer with "Expected
all tensors to be on the same device". torch names the two devices and the line inside the model; the
cause is the line that made the input without ``device=``. Found from the failed op's inputs: the
tensor whose device differs from the parameters', and where the probe saw it made.
"""

from __future__ import annotations

from gandoctor.doctor.events import RunEvents
from gandoctor.doctor.findings import Finding, Text

ID = "device-mismatch"
SEVERITY = "error"
PRIORITY = 12
EXPLAINS = {"script-error", "optimizer-never-steps", "no-optimizer-step"}
TEXT = {
    "en": Text(
        summary="the tensor made at this line is on {stray} while the network it enters ({unit}) is on "
        "{device}: {op} failed at {failed_at}",
        explanation="Every input of an op must be on the device of the weights it meets. Noise, labels and "
        "batches made without device= stay on the CPU after the model was moved.",
        fix="Put both on one device: make it there (device=device in torch.randn/torch.full/torch.ones, or "
        ".to(device) on the batch, with device = next(model.parameters()).device), or move the network "
        "with model.to(device).",
    ),
    "zh": Text(
        summary="此行生成的张量在 {stray} 上，而它进入的网络（{unit}）在 {device} 上："
        "{op} 在 {failed_at} 失败",
        explanation="一个运算的所有输入必须与其遇到的权重在同一设备上。"
        "没有指定 device= 生成的噪声、标签和批数据在模型移动后仍留在 CPU 上。",
        fix="把两者放到同一设备：在那里生成它（给 torch.randn/torch.full/torch.ones 传入 device=device，"
        "或对批数据调用 .to(device)，其中 device = next(model.parameters()).device），或用 model.to(device) "
        "移动网络。",
    ),
}


def detect(run: RunEvents) -> list[Finding]:
    crash = next((e for e in run.exceptions if "device" in e.message), None)
    failed = next((f for f in run.failed_ops if crash is not None and f.seq < crash.seq), None)
    if failed is None or len(set(failed.devices)) < 2:
        return []
    params = [i for i, units in enumerate(failed.units) if units and failed.made_at[i] is None]
    weights_on = {failed.devices[i] for i in params}
    if len(weights_on) != 1:
        return []
    device = weights_on.pop()
    stray = next((i for i, d in enumerate(failed.devices) if d != device and failed.made_at[i] is not None),
                 None)
    if stray is None:
        return []
    unit = failed.units[params[0]][0]
    return [Finding(ID, SEVERITY, crash.step, failed.made_at[stray],
                    {"stray": failed.devices[stray], "device": device, "unit": unit, "op": failed.op,
                     "failed_at": str(failed.location or "?")})]
