"""The facts the doctor records while a script trains: plain dataclasses of numbers and strings.

Adapters (``doctor/adapters/<framework>``) write these; checks (``doctor/checks``) read them. An event
never holds a tensor, so a check can be tested on events recorded once, and the run's tensors are freed
as usual.

Vocabulary used throughout:
- ``step``: the number of optimizer steps taken so far, all optimizers together (0 before the first).
- ``seq``: a global counter that orders every event, so a check can ask "what happened between
  these two optimizer steps" (for instance which loss call fed the generator's step).
- a *unit* is one network as the doctor sees it: a top-level ``nn.Module`` the script calls
  (named by the variable-free name ``"Generator#0"``: class name and a counter), or, for models made of
  raw tensors, the parameters held by one optimizer (``"optimizer#1"``). Roles are given to units.
- ``param`` keys are small integers the doctor assigns to each parameter (leaf tensor that requires grad).
- the *probe* is the first few iterations, during which the heavy instruments run (every op is seen).
  Events marked "probe" exist only for those iterations.
"""

from __future__ import annotations

from dataclasses import dataclass, field

GENERATOR = "generator"
DISCRIMINATOR = "discriminator"
UNKNOWN = "unknown"

# Op kinds: what an op does, in words every adapter shares. An adapter translates its framework's op names
# (torch's "linear", "conv2d", "addmm"; TensorFlow's "MatMul") into these, and a check compares kinds only,
# never a framework's names. Fields ending in ``_op`` keep the framework's own name, for messages.
AFFINE = "affine"  # a linear map with weights: a dense/linear layer, a convolution, a matmul
SIGMOID = "sigmoid"
HARD_SIGMOID = "hard_sigmoid"
TANH = "tanh"
HARD_TANH = "hard_tanh"
SOFTMAX = "softmax"
CLAMP = "clamp"
EXP = "exp"
NEGATE = "negate"  # -x or 1 - x
DIFFERENCE = "difference"  # a - b of two tensors (a relativistic loss scores D(real) - D(fake))
BATCH_NORM = "batch_norm"
INSTANCE_NORM = "instance_norm"
LAYER_NORM = "layer_norm"
GROUP_NORM = "group_norm"
INPUT_GRADIENT = "input_gradient"  # the gradient of an output with respect to an input (autograd.grad)
OTHER = "other"  # anything the vocabulary has no word for


@dataclass(frozen=True)
class Location:
    """A line in the user's code (never inside torch or gandoctor)."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass
class TensorStats:
    """Summary numbers of one tensor at one moment."""

    shape: tuple[int, ...]
    min: float
    max: float
    mean: float
    std: float


@dataclass
class ParamInfo:
    key: int
    name: str  # "Generator#0.main.0.weight", or "tensor[64x100]" for a raw tensor
    shape: tuple[int, ...]
    unit: str  # the unit (network) it belongs to, see module docstring
    optimizers: list[int] = field(default_factory=list)  # indexes of the optimizers that hold it
    init_location: Location | None = None  # last line that initialised it (nn.init.*, .normal_(), randn)
    init_std: float | None = None
    norm_scale: float | None = None  # (probe) a norm layer's weight (gamma): its mean |value| at first use


@dataclass
class OptimizerInfo:
    index: int
    kind: str  # class name: "Adam", "SGD"
    lr: float
    params: list[int]  # param keys, in order
    location: Location | None  # the line that constructed it (None if built before watch())
    name: str = ""  # what the script calls it ("optimizerD", "self.opt_g"), for fixes it can paste

    @property
    def label(self) -> str:
        """The script's own name for it, else a description ("Adam optimizer #1")."""
        return self.name or f"{self.kind} optimizer #{self.index}"


@dataclass
class EntryEvent:
    """(probe) A unit consumed a tensor that none of its own parameters produced: its input.

    ``origin`` lists the units whose parameters produced the tensor (empty for data or noise);
    ``noise`` says it was derived from torch.randn/rand/normal created after the first optimizer existed.
    """

    seq: int
    step: int
    unit: str
    origin: list[str]
    noise: bool
    stats: TensorStats
    location: Location | None
    data_location: Location | None  # where the consumed tensor was last computed in user code
    producer: str = ""  # the kind of op that produced the consumed tensor, e.g. TANH for a tanh generator
    batch_location: Location | None = None  # the user line that made it: next(iter(loader))
    grad_path: bool = True  # the consumed tensor requires grad: a gradient can flow back to its origin


@dataclass
class LossCallEvent:
    """(probe) A loss-like call: bce, bce_with_logits, mse, log, log1m (log(1 - x)), softplus.

    ``input_producer`` is the kind of op (see Op kinds above) that produced the loss input, looking
    through reshapes (SIGMOID, AFFINE, ...), and ``input_op`` that op's framework name, for messages;
    ``units`` are the units whose parameters produced the input (the discriminator's alone for D(real);
    generator's and discriminator's for D(G(z))).
    ``target_value`` is the target's mean when the target is constant, else None.
    ``negated`` becomes True when the script negates the loss's result.
    """

    seq: int
    step: int
    index: int
    kind: str
    location: Location | None  # the line that calls the loss
    input_producer: str
    input_location: Location | None
    input_stats: TensorStats
    units: list[str]
    target: TensorStats | None = None
    target_value: float | None = None
    negated: bool = False
    loss_location: Location | None = None  # for a loss module (nn.BCELoss()): the line that built it
    target_location: Location | None = None  # where a reused label buffer was refilled for this call
    target_fill_seq: int | None = None  # when it was refilled (a fill before the last step is another's)
    input_op: str = ""  # the framework's name of the op behind input_producer ("linear", "conv2d")


@dataclass
class CutEvent:
    """(probe) The gradient path was cut on a tensor computed from parameters.

    ``kind``: "detach", "data", "item", "numpy", "tolist", "no_grad" (a parametrised op ran under no_grad),
    "stop_gradient" (TensorFlow's ``tf.stop_gradient``).
    """

    seq: int
    step: int
    kind: str
    units: list[str]
    location: Location | None


@dataclass
class AffineChainEvent:
    """(probe) Two parametrised affine ops (linear/conv) with no nonlinearity between them."""

    seq: int
    step: int
    unit: str
    first_op: str
    second_op: str
    first: Location | None
    second: Location | None


@dataclass
class ActivationEvent:
    """(probe) A squashing nonlinearity (tanh, sigmoid) and how saturated its input was."""

    seq: int
    step: int
    op: str
    unit: str
    saturated_fraction: float  # share of inputs with |x| > 2.5 (tanh) or > 5 (sigmoid)
    mean_abs_input: float
    weight_params: list[int]  # params of the affine op that produced the input
    location: Location | None


@dataclass
class RequiresGradEvent:
    """(probe and after) ``requires_grad`` of parameters was switched."""

    seq: int
    step: int
    params: list[int]
    value: bool
    location: Location | None


@dataclass
class InputGradientEvent:
    """(probe) ``torch.autograd.grad`` of a unit's output with respect to its input (a gradient penalty)."""

    seq: int
    step: int
    location: Location | None
    create_graph: bool
    units: list[str]  # the units whose output was differentiated
    input_shape: tuple[int, ...]
    interpolations: list[int] = field(default_factory=list)  # InterpolationEvent seqs behind the input


@dataclass
class InterpolationEvent:
    """(probe) A random coefficient multiplied into a tensor of data or of a unit's output: the ``alpha`` of
    ``alpha * real + (1 - alpha) * fake``. ``per_element`` when it varies inside one sample (drawn with
    the data's full shape) instead of one value per sample."""

    seq: int
    step: int
    location: Location | None
    coefficient_shape: tuple[int, ...]
    per_element: bool


@dataclass
class WeightConstraintEvent:
    """(probe) Something bounds a unit's weights: ``kind`` "clip" (parameters clamped in place, weight
    clipping) or "reparametrized" (a linear/conv op ran on a weight computed from a parameter, as
    ``spectral_norm`` and ``weight_norm`` do)."""

    seq: int
    step: int
    kind: str
    unit: str
    params: list[int]
    location: Location | None


@dataclass
class NormLayerEvent:
    """(probe) A normalisation op ran in a unit: ``kind`` BATCH_NORM, INSTANCE_NORM, LAYER_NORM or
    GROUP_NORM; ``batch_stats`` when it normalised with the batch's own statistics (BatchNorm in
    training mode), which couples the samples of a batch."""

    seq: int
    step: int
    unit: str
    kind: str
    batch_stats: bool
    location: Location | None


@dataclass
class UnitCallEvent:
    """(probe) One call of a unit by the script. ``args`` are the Python ids of its tensor arguments
    (valid for matching calls within one step), ``unread`` the positions of those no op inside the call
    ever read, and ``fed_by`` the units whose outputs were among the arguments."""

    seq: int
    step: int
    unit: str
    location: Location | None
    args: list[int]
    shapes: list[tuple[int, ...]]
    unread: list[int]
    fed_by: list[str]


@dataclass
class FailedOpEvent:
    """(probe) A framework op raised. What its tensor inputs were, to find where the cause was made.

    ``op`` is the framework's name (for messages), ``kind`` its op kind (INPUT_GRADIENT, OTHER)."""

    seq: int
    step: int
    op: str
    location: Location | None
    devices: list[str]
    made_at: list[Location | None]  # where each tensor input was computed, as far as the probe saw
    units: list[list[str]]  # the units whose parameters produced each input (a parameter: its own unit)
    kind: str = OTHER


@dataclass
class GradientNormEvent:
    """(probe) A norm taken of an input gradient (see InputGradientEvent), over ``dims`` of a tensor of
    ``ndim`` dimensions; ``per_sample`` when it covers every dimension but the batch."""

    seq: int
    step: int
    location: Location | None
    ndim: int
    dims: list[int] | None  # None: over every element, the batch included
    per_sample: bool


@dataclass
class OutputGradEvent:
    """(probe) The gradient a backward sent into one call of a unit (its output's mean gradient): which
    way the loss pushes that network's output. ``fed`` is "real" (its input came from no unit),
    "fake" (only from other units) or "mixed"."""

    seq: int  # when the unit was called
    step: int
    unit: str
    fed: str
    origin: list[str]
    backward: int  # the backward that sent it
    grad_mean: float


@dataclass
class BackwardEvent:
    """A ``.backward()`` / ``torch.autograd.backward`` call (each one during the probe).

    ``params`` received a non-zero gradient from it, ``zero_params`` an all-zero one.
    ``accumulated_onto`` lists params whose ``.grad`` already held a non-zero gradient (from an earlier
    backward) when this one arrived.
    """

    seq: int
    step: int
    index: int
    location: Location | None
    has_grad_fn: bool
    loss: float | None
    root_location: Location | None = None  # where the backpropagated tensor was computed
    # (probe) the oldest parametrised op in the loss's graph: a step or a backward between it and this
    # backward breaks the graph ("modified by an inplace operation", "backward ... a second time")
    graph_seq: int | None = None
    graph_location: Location | None = None  # the user line that ran that op (``fake = netG(noise)``)
    flags: list[str] = field(default_factory=list)  # what the loss carries, e.g. "input_gradient_no_graph"
    params: list[int] = field(default_factory=list)
    zero_params: list[int] = field(default_factory=list)
    accumulated_onto: list[int] = field(default_factory=list)
    # --- Keras / TF2 --- the params a ``tape.gradient(loss, variables)`` asked for (``params``: those
    # that got a gradient, None for the others; zero gradients cannot be told at trace time)
    targets: list[int] = field(default_factory=list)


@dataclass
class StepEvent:
    """An ``optimizer.step()``. ``step`` is the global count *after* this step (1 for the first).

    ``grads_none`` is always counted; the other fields are filled during the probe only (else None).
    ``sources`` are the backward indexes whose gradients the step applied; ``stale_sources`` those of
    them that an earlier step of some optimizer had already applied to the same parameters.
    """

    seq: int
    step: int
    optimizer: int
    n_params: int
    grads_none: int
    location: Location | None
    probe: bool
    grads_zero: int | None = None
    grad_norm: float | None = None
    changed: bool | None = None
    sources: list[int] = field(default_factory=list)
    stale_sources: list[int] = field(default_factory=list)
    # --- Keras / TF2 --- (None / empty for torch's steps, which measure ``changed`` instead)
    # (probe) the params whose values this step changed, compared one by one
    changed_params: list[int] | None = None
    # the params the step was meant to train: the trained model's weights (trainable or not, as built),
    # or the variables passed to ``apply_gradients``
    trained_params: list[int] = field(default_factory=list)


@dataclass
class NetworkCopyEvent:
    """A network built a second time by the same code (the same creating lines, the same shapes) with
    variables of its own: TF1's ``tf.Variable`` under ``variable_scope(reuse=True)``. ``location`` is the
    call that built the copy, where its stack parts from the original's."""

    seq: int
    step: int
    unit: str  # the copy
    original: str
    location: Location | None


@dataclass
class ReinitializedEvent:
    """Parameters were set back to their initial values after training began (TF1: running
    ``tf.global_variables_initializer()`` or a variable's ``initializer`` inside the training loop)."""

    seq: int
    step: int
    params: list[int]
    location: Location | None


@dataclass
class StepStats:
    """Cheap per-step numbers for statistical checks, recorded on the device and read back in batches.

    One per optimizer step; any field may be None when it was not measured at that step.
    ``loss`` is the sum of the backward roots since the previous step (what this step applies);
    ``d_real``/``d_fake`` are the mean raw outputs
    of the discriminator module on real and generated batches since the previous step; ``*_fingerprint``
    is the sum of the generator's input (noise) / discriminator's real input; ``*_diversity`` the mean
    per-feature standard deviation across the batch.
    """

    step: int
    optimizer: int
    loss: float | None = None
    grad_norm: float | None = None
    d_real: float | None = None
    d_fake: float | None = None
    noise_fingerprint: float | None = None
    real_fingerprint: float | None = None
    fake_diversity: float | None = None
    real_diversity: float | None = None


@dataclass
class ExceptionEvent:
    """The script raised (other than a normal exit or the doctor's own stop)."""

    seq: int
    step: int
    type: str
    message: str
    location: Location | None  # innermost traceback frame in user code
    traceback: list[Location] = field(default_factory=list)


@dataclass
class DoctorErrorEvent:
    """A failure inside the doctor itself; the script kept running."""

    where: str
    message: str
    traceback: list[str] = field(default_factory=list)  # the doctor's own frames, "file:line in function"


@dataclass
class SteppedAsideEvent:
    """The doctor could not follow part of the run and left it alone (a compiled module, ...)."""

    seq: int
    step: int
    what: str  # "torch.compile"
    unit: str
    location: Location | None


@dataclass
class MetricEvent:
    """An evaluation metric fed by ``Doctor.record_metric`` (e.g. by ``gandoctor train``)."""

    step: int
    values: dict[str, float]


@dataclass
class Roles:
    """Who is the generator and who the discriminator (see roles.py)."""

    units: dict[str, str] = field(default_factory=dict)  # unit -> GENERATOR / DISCRIMINATOR / UNKNOWN
    params: dict[int, str] = field(default_factory=dict)  # param key -> role
    optimizers: dict[int, str] = field(default_factory=dict)  # optimizer index -> role, or "mixed"
    known: bool = False
    reason: str = ""  # why roles are unknown, or how they were found


@dataclass
class RunEvents:
    """Everything recorded in one run. Checks receive this and nothing else."""

    script: str = ""
    framework: str = "torch"  # "tensorflow" or "keras" once their adapter sees the script train
    steps: int = 0
    finished: bool = False  # the script ran to its end or was stopped at --max-steps
    exit_code: int | None = None  # the script's own sys.exit code, when it called sys.exit
    probe_steps: int = 0  # the step at which the probe ended
    params: dict[int, ParamInfo] = field(default_factory=dict)
    optimizers: list[OptimizerInfo] = field(default_factory=list)
    units: dict[str, list[int]] = field(default_factory=dict)  # unit -> param keys
    entries: list[EntryEvent] = field(default_factory=list)
    loss_calls: list[LossCallEvent] = field(default_factory=list)
    cuts: list[CutEvent] = field(default_factory=list)
    affine_chains: list[AffineChainEvent] = field(default_factory=list)
    activations: list[ActivationEvent] = field(default_factory=list)
    requires_grad: list[RequiresGradEvent] = field(default_factory=list)
    backwards: list[BackwardEvent] = field(default_factory=list)
    input_gradients: list[InputGradientEvent] = field(default_factory=list)
    output_grads: list[OutputGradEvent] = field(default_factory=list)
    gradient_norms: list[GradientNormEvent] = field(default_factory=list)
    interpolations: list[InterpolationEvent] = field(default_factory=list)
    weight_constraints: list[WeightConstraintEvent] = field(default_factory=list)
    norm_layers: list[NormLayerEvent] = field(default_factory=list)
    unit_calls: list[UnitCallEvent] = field(default_factory=list)
    failed_ops: list[FailedOpEvent] = field(default_factory=list)
    steps_taken: list[StepEvent] = field(default_factory=list)
    stats: list[StepStats] = field(default_factory=list)
    exceptions: list[ExceptionEvent] = field(default_factory=list)
    doctor_errors: list[DoctorErrorEvent] = field(default_factory=list)
    stepped_aside: list[SteppedAsideEvent] = field(default_factory=list)
    copies: list[NetworkCopyEvent] = field(default_factory=list)
    reinitialized: list[ReinitializedEvent] = field(default_factory=list)
    metrics: list[MetricEvent] = field(default_factory=list)
    roles: Roles = field(default_factory=Roles)

    # --- small queries shared by checks -------------------------------------------------------
    def optimizers_with_role(self, role: str) -> list[OptimizerInfo]:
        return [o for o in self.optimizers if self.roles.optimizers.get(o.index) == role]

    def units_with_role(self, role: str) -> list[str]:
        return [u for u, r in self.roles.units.items() if r == role]

    def role_of_units(self, units: list[str]) -> set[str]:
        return {self.roles.units.get(u, UNKNOWN) for u in units}

    def discriminator_output_scale(self) -> str | None:
        """"logit" or "probability": what D's output means, from the adversarial losses it feeds (the one
        rule for the checks and the run directory); None when they say nothing of it (hinge, Wasserstein,
        least squares) or disagree. An auxiliary classifier's cross-entropy says nothing of its scale."""
        d_units = set(self.units_with_role(DISCRIMINATOR))
        kinds = {c.kind for c in self.loss_calls if d_units & set(c.units)} - {"ce", "nll", "l1"}
        if not kinds or "mse" in kinds:
            return None
        if kinds <= {"bce_with_logits", "softplus"}:
            return "logit"
        if kinds <= {"bce", "log"}:
            return "probability"
        return None

    def steps_of(self, optimizer: int) -> list[StepEvent]:
        return [s for s in self.steps_taken if s.optimizer == optimizer]

    def previous_step_seq(self, seq: int) -> int:
        """The seq of the last optimizer step before ``seq`` (-1 if none)."""
        earlier = [s.seq for s in self.steps_taken if s.seq < seq]
        return max(earlier, default=-1)

    def backward(self, index: int) -> BackwardEvent | None:
        for b in self.backwards:
            if b.index == index:
                return b
        return None
