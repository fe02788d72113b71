"""MediaPipe Pose with its person mask left at the network's resolution.

MediaPipe Pose (``enable_segmentation``) predicts the person mask on the 256 x 256 crop it
runs the network on, then warps it onto the whole input image: at 1080 x 1920 that warp (and
the full-frame float copy handed to Python) costs about 10 ms of wall time a frame on the gym
clip, a third of the pose pass, although the silhouette points
(:mod:`runform.pose.silhouette`) read only the legs. :func:`open_roi_pose` runs the same
graph (MediaPipe's own ``pose_landmark_cpu``, expanded; same models, same options, the
landmarks bit for bit those of ``mp.solutions.pose.Pose``) without that last warp: it returns
the network-sized mask with the affine map from its pixels to the image's, and
:class:`RoiMask` warps only the window asked for, with OpenCV's ``warpAffine`` as MediaPipe's
``WarpAffineCalculator`` does (same interpolation and zero border; on the gym clip the two
masks differ by at most 1/32 in under 0.01 % of pixels, OpenCV's fixed-point rounding of
the coordinates).

Coordinates are pixels of the image given to MediaPipe, x right, y down.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

__all__ = ["RoiMask", "open_roi_pose", "roi_affine", "roi_mask_of", "preload_graph_runner"]

#: Nodes of the expanded graph that warp the mask onto the image and filter it over time
#: (``smooth_segmentation``, which runform keeps off).
_MASK_TO_IMAGE = (
    "poselandmarkbyroicpu__poselandmarksandsegmentationinverseprojection__WarpAffineCalculator",
    "poselandmarkbyroicpu__poselandmarksandsegmentationinverseprojection__InverseMatrixCalculator",
    "posesegmentationfiltering__PreviousLoopbackCalculator",
    "posesegmentationfiltering__GateCalculator",
    "posesegmentationfiltering__SegmentationSmoothingCalculator",
)
_ROI_MASK_STREAM = "poselandmarkbyroicpu__roi_segmentation_mask"
#: Calculators whose options ``mp.solutions.pose`` runs without: ``import mediapipe`` does not
#: import their option messages, so the Python solution API drops them when it parses the graph
#: (MediaPipe 0.10.21), and MediaPipe Pose refines the landmarks with the default heatmap kernel
#: and no visibility copy. runform's accuracy figures were measured so; cleared here, they stay
#: so whichever option messages this process has imported.
_OPTIONS_DROPPED_BY_SOLUTIONS = ("RefineLandmarksFromHeatmapCalculator", "VisibilityCopyCalculator")
#: The option messages ``import mediapipe`` imports besides those of ``solution_base`` (its
#: tasks API aside), MediaPipe 0.10.21: a light import imports exactly these, so MediaPipe parses
#: the graph as ``mp.solutions.pose`` does (it drops the options of calculators whose messages
#: are not imported, :data:`_OPTIONS_DROPPED_BY_SOLUTIONS`).
_SOLUTIONS_OPTION_MESSAGES = (
    "calculators.core.flow_limiter_calculator_pb2", "calculators.core.gate_calculator_pb2",
    "calculators.core.split_vector_calculator_pb2", "calculators.image.warp_affine_calculator_pb2",
    "calculators.tensor.image_to_tensor_calculator_pb2", "calculators.tensor.inference_calculator_pb2",
    "calculators.tensor.tensors_to_classification_calculator_pb2",
    "calculators.tensor.tensors_to_floats_calculator_pb2", "calculators.tensor.tensors_to_landmarks_calculator_pb2",
    "calculators.tensor.tensors_to_segmentation_calculator_pb2", "calculators.tflite.ssd_anchors_calculator_pb2",
    "calculators.util.association_calculator_pb2", "calculators.util.collection_has_min_size_calculator_pb2",
    "calculators.util.detection_label_id_to_text_calculator_pb2",
    "calculators.util.detections_to_rects_calculator_pb2", "calculators.util.landmark_projection_calculator_pb2",
    "calculators.util.landmarks_refinement_calculator_pb2", "calculators.util.local_file_contents_calculator_pb2",
    "calculators.util.non_max_suppression_calculator_pb2", "calculators.util.rect_transformation_calculator_pb2",
    "calculators.util.visibility_smoothing_calculator_pb2", "framework.formats.object_detection.anchor_pb2",
    "framework.tool.switch_container_pb2", "gpu.gpu_origin_pb2", "modules.face_detection.face_detection_pb2",
    "modules.holistic_landmark.calculators.roi_tracking_calculator_pb2",
    "modules.objectron.calculators.frame_annotation_to_rect_calculator_pb2", "util.color_pb2", "util.label_map_pb2",
    "util.render_data_pb2",
)


@dataclass(frozen=True)
class RoiMask:
    """MediaPipe's person mask on the network's crop, and where that crop lies in the image.

    Attributes
    ----------
    mask : ndarray, shape (S, S), float32
        Person probability (0-1) on the network's square crop.
    affine : ndarray, shape (2, 3)
        Maps a mask pixel (column, row, 1) to image pixels (x, y).
    size : tuple of int
        (width, height) of the image the mask belongs to.
    clip : tuple of int or None
        (x0, y0, x1, y1): the mask is zero outside this box (the crop pose ran on).
    """

    mask: np.ndarray
    affine: np.ndarray
    size: tuple[int, int]
    clip: tuple[int, int, int, int] | None = None

    def window(self, x0: int, y0: int, x1: int, y1: int) -> np.ndarray:
        """The mask in image pixels ``x0 <= x < x1``, ``y0 <= y < y1`` (shape (y1 - y0, x1 - x0)), zero outside the crop."""
        import cv2

        shifted = self.affine.copy()
        shifted[:, 2] -= (x0, y0)
        out = cv2.warpAffine(self.mask, shifted, (max(0, x1 - x0), max(0, y1 - y0)), flags=cv2.INTER_LINEAR,
                             borderMode=cv2.BORDER_CONSTANT, borderValue=0)
        if self.clip is not None:
            cx0, cy0, cx1, cy1 = (v - o for v, o in zip(self.clip, (x0, y0, x0, y0)))
            keep = np.zeros(out.shape, bool)
            keep[max(cy0, 0):max(cy1, 0), max(cx0, 0):max(cx1, 0)] = True
            out[~keep] = 0.0
        return out

    def full(self) -> np.ndarray:
        """The mask over the whole image, as ``mp.solutions.pose`` returns it."""
        return self.window(0, 0, *self.size)

    def moved(self, dx: float, dy: float, size: tuple[int, int], clip: tuple[int, int, int, int]) -> "RoiMask":
        """The same mask in a larger image in which this one's origin lies at (dx, dy)."""
        affine = self.affine.copy()
        affine[:, 2] += (dx, dy)
        return RoiMask(self.mask, affine, size, clip)


def roi_affine(rect, width: int, height: int, side: int) -> np.ndarray:
    """The (2, 3) map from the network crop's pixels to the image's.

    ``rect`` is the crop MediaPipe took (a ``NormalizedRect``: centre, size in image fractions,
    rotation in radians, clockwise on screen), padded to a square as its ``ImageToTensor``
    calculator does with ``keep_aspect_ratio``; ``side`` is the mask's side in pixels. Like
    ``WarpAffineCalculator`` (its OpenCV-compatible mode) pixel (0, 0) of the mask maps to the
    crop's corner, not half a pixel in.
    """
    cx, cy = rect.x_center * width, rect.y_center * height
    s = max(rect.width * width, rect.height * height)
    c, sn = np.cos(rect.rotation), np.sin(rect.rotation)
    rot = np.array([[c, -sn], [sn, c]])
    return np.hstack([rot * (s / side), (np.array([cx, cy]) - rot @ np.array([s / 2, s / 2]))[:, None]])


def preload_graph_runner() -> None:
    """Import MediaPipe's graph runner without the ``mediapipe`` package's ``__init__``.

    That ``__init__`` imports every solution, their drawing helpers (matplotlib) and the tasks
    API (audio included): about 0.7 s of CPU on an idle machine, of which a pose worker process
    needs none. The calculators' option messages it imports are imported instead
    (:data:`_SOLUTIONS_OPTION_MESSAGES`, 0.1 s): without them the graph's options would be
    dropped when it is parsed, with more of them the graph would keep options
    ``mp.solutions.pose`` runs without. The package's ``__init__``
    runs after all the first time anything reads an attribute it would have set
    (``mp.solutions``, ``mp.tasks``...), so code in the same process that uses MediaPipe's
    solutions still finds them.
    """
    import importlib
    import importlib.util
    import sys

    if "mediapipe" in sys.modules:
        return
    spec = importlib.util.find_spec("mediapipe")
    if spec is None:
        return
    package = importlib.util.module_from_spec(spec)  # the package, its __init__ not run

    def finish(name: str):
        del package.__dict__["__getattr__"]
        spec.loader.exec_module(package)  # the __init__ after all, on first need
        return getattr(package, name)

    package.__getattr__ = finish
    sys.modules["mediapipe"] = package
    import mediapipe.python.solution_base  # noqa: F401

    for name in _SOLUTIONS_OPTION_MESSAGES:
        importlib.import_module("mediapipe." + name)


@lru_cache(maxsize=1)
def _graph_bytes() -> bytes:
    """MediaPipe's pose graph, expanded, with the mask taken before it is warped onto the image."""
    import importlib.util

    from mediapipe.framework import calculator_pb2
    from mediapipe.python._framework_bindings import validated_graph_config

    root = importlib.util.find_spec("mediapipe").submodule_search_locations[0]
    path = os.path.join(root, "modules", "pose_landmark", "pose_landmark_cpu.binarypb")
    expanded = validated_graph_config.ValidatedGraphConfig()
    expanded.initialize(binary_graph_path=path)
    graph = calculator_pb2.CalculatorGraphConfig()
    graph.ParseFromString(expanded.binary_config)  # binary: keeps option extensions Python has no classes for
    nodes = [n for n in graph.node if n.name not in _MASK_TO_IMAGE and n.calculator != "FromImageCalculator"]
    for n in nodes:
        if n.calculator in _OPTIONS_DROPPED_BY_SOLUTIONS:
            n.ClearField("options")
    del graph.node[:]
    graph.node.extend(nodes)
    node = graph.node.add()
    node.calculator = "FromImageCalculator"
    node.input_stream.append(f"IMAGE:{_ROI_MASK_STREAM}")
    node.output_stream.append("IMAGE_CPU:roi_mask")
    outputs = [s for s in graph.output_stream if not s.startswith("SEGMENTATION_MASK:")]
    del graph.output_stream[:]
    graph.output_stream.extend(outputs + ["ROI_MASK:roi_mask", "ROI:pose_rect"])
    sides = [s for s in graph.input_side_packet if not s.startswith("SMOOTH_SEGMENTATION:")]
    del graph.input_side_packet[:]
    graph.input_side_packet.extend(sides)
    return graph.SerializeToString()


def open_roi_pose(model_complexity: int, smooth_landmarks: bool, enable_segmentation: bool,
                  min_detection_confidence: float, min_tracking_confidence: float, static: bool = False):
    """A MediaPipe Pose instance whose results carry ``roi_mask`` and ``pose_rect``.

    Settings as ``mp.solutions.pose.Pose`` (``static`` is its ``static_image_mode``;
    ``smooth_segmentation=False``). ``process(image)`` returns ``pose_landmarks`` as that
    class does; use :func:`roi_mask_of` for the mask. A context manager.
    """
    preload_graph_runner()
    from mediapipe.framework import calculator_pb2
    from mediapipe.python.solution_base import SolutionBase

    graph = calculator_pb2.CalculatorGraphConfig()
    graph.ParseFromString(_graph_bytes())

    class _RoiPose(SolutionBase):
        def process(self, image: np.ndarray):
            return super().process(input_data={"image": image})

    return _RoiPose(
        graph_config=graph,
        side_inputs={"model_complexity": model_complexity, "smooth_landmarks": smooth_landmarks and not static,
                     "enable_segmentation": enable_segmentation, "use_prev_landmarks": not static},
        calculator_params={
            "posedetectioncpu__TensorsToDetectionsCalculator.min_score_thresh": min_detection_confidence,
            "poselandmarkbyroicpu__tensorstoposelandmarksandsegmentation__ThresholdingCalculator.threshold":
                min_tracking_confidence,
        },
        outputs=["pose_landmarks", "roi_mask", "pose_rect"])


def roi_mask_of(result, size: tuple[int, int]) -> RoiMask | None:
    """The :class:`RoiMask` of one ``process`` result on an image of ``size`` (width, height); None without one."""
    mask, rect = result.roi_mask, result.pose_rect
    if mask is None or rect is None:
        return None
    # A copy (256 KB): the view lives in MediaPipe's packet, which the next frame reuses.
    mask = np.array(mask.reshape(mask.shape[:2]), dtype=np.float32)
    return RoiMask(mask, roi_affine(rect, size[0], size[1], mask.shape[0]), (int(size[0]), int(size[1])))
