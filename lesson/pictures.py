"""The pictures: the perceptron's weights, its accuracy and loss per epoch, its mistakes, and weights.gif.

Each is drawn with matplotlib's Figure, never pyplot, so that it needs no
screen; weights.gif is drawn with NumPy and Pillow, which is far faster.
"""

import os

from lesson import command_line, report

import matplotlib
import numpy as np
import PIL.Image
import PIL.ImageDraw
import PIL.ImageFont
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

# The weight picture's layout, fixed so that each weight is a 12x12-pixel
# square: figure 500x420 pixels, image 336x336 pixels.
WEIGHTS_FIGURE_INCHES = (5.0, 4.2)
WEIGHTS_DPI = 100
WEIGHTS_IMAGE_BOX = (0.06, 0.06, 0.672, 0.8)  # left, bottom, width, height, as fractions
WEIGHTS_COLOUR_MAP = "RdBu"  # red for negative, white for zero, blue for positive
MISTAKES_SHOWN_PER_KIND = 8
ANIMATION_PIXEL = 10  # Each weight is a square this many pixels wide in weights.gif.
ANIMATION_FONT = PIL.ImageFont.load_default(size=13)


def save_figure(figure, path, **options):
    """figure.savefig, except that a file it cannot write ends the run with one line naming it."""
    with command_line.writing(path):
        figure.savefig(path, **options)


def draw_weights(figure, box, model, accuracy, colour_bar_box=None):
    """Draw a model's 784 weights as a 28x28 picture: zero is white, the colour is the sign."""
    weights = model.layers[-1].get_weights()[0][:, 0]
    finite = np.all(np.isfinite(weights))
    if not finite and colour_bar_box is not None:
        # No colours to explain: let the message take the colour bar's place as well.
        left, bottom, _, height = box
        box = (left, bottom, colour_bar_box[0] + colour_bar_box[2] - left, height)
    axes = figure.add_axes(box)
    axes.set_xticks([])
    axes.set_yticks([])
    axes.set_title(f"{report.model_name(model)}, held-out accuracy {report.percent(accuracy)}\n"
                   "weight of each pixel", fontsize=9)
    if not finite:
        axes.set_facecolor("0.85")
        axes.text(0.5, 0.5, "the weights are not numbers:\nthey overflowed to nan", ha="center", va="center",
                  transform=axes.transAxes)
        return
    scale = float(np.max(np.abs(weights))) or 1.0
    image = axes.imshow(
        weights.reshape(28, 28), cmap=WEIGHTS_COLOUR_MAP, vmin=-scale, vmax=scale,
        interpolation="nearest", aspect="auto",
    )
    if colour_bar_box is not None:
        # Every tick in full, such as 2e+35: an offset above the bar would clash with the title.
        figure.colorbar(image, cax=figure.add_axes(colour_bar_box), label="weight", format="%.2g")


def save_weights_picture(path, model, accuracy):
    figure = Figure(figsize=WEIGHTS_FIGURE_INCHES, dpi=WEIGHTS_DPI)
    left, bottom, width, height = WEIGHTS_IMAGE_BOX
    draw_weights(figure, WEIGHTS_IMAGE_BOX, model, accuracy, (left + width + 0.04, bottom, 0.04, height))
    save_figure(figure, path, dpi=WEIGHTS_DPI)
    return figure


def save_history_picture(path, history, baseline, title):
    """Accuracy and loss per epoch, on the training digits and the held-out ones."""
    figure = Figure(figsize=(9, 3.8), dpi=100)
    figure.subplots_adjust(left=0.08, right=0.98, bottom=0.13, top=0.84, wspace=0.25)
    accuracy_axes, loss_axes = figure.subplots(1, 2)
    epochs = np.arange(1, len(history["loss"]) + 1)

    accuracy = {"training": 100 * np.array(history["accuracy"]), "held-out": 100 * np.array(history["val_accuracy"])}
    for label, values in accuracy.items():
        accuracy_axes.plot(epochs, values, marker=".", label=label)
    accuracy_axes.axhline(100 * baseline, color="grey", linestyle="--", label='always "not five"')
    # From well below the baseline to 100%, so that reaching the baseline does not look like learning.
    lowest = min(100 * baseline - 10, *(float(np.min(values)) - 2 for values in accuracy.values()))
    accuracy_axes.set_ylim(lowest, 100.5)
    accuracy_axes.set_ylabel("accuracy (%)")
    accuracy_axes.set_title("accuracy per epoch", fontsize=10)
    accuracy_axes.legend(fontsize=8)

    for key, label in [("loss", "training"), ("val_loss", "held-out")]:
        loss = np.array(history[key], dtype=float)
        finite = np.isfinite(loss)
        if finite.any():
            loss_axes.plot(epochs[finite], loss[finite], marker=".", label=label)
    not_finite = ~np.isfinite(np.array(history["loss"], dtype=float))
    # A nan loss has no place on the axis: mark those epochs instead.
    for epoch in epochs[not_finite]:
        loss_axes.axvspan(epoch - 0.5, epoch + 0.5, color="red", alpha=0.15, linewidth=0)
    if not_finite.any():
        loss_axes.plot([], [], color="red", alpha=0.3, linewidth=8, label="training loss not a number")
    if not_finite.all():
        loss_axes.set_yticks([])
        loss_axes.text(0.5, 0.5, "no epoch had a loss\nthat is a number", transform=loss_axes.transAxes,
                       ha="center", va="center")
    for axes in (accuracy_axes, loss_axes):
        axes.set_xlim(0.5, len(epochs) + 0.5)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_xlabel("epoch")
    loss_axes.set_ylabel("mean squared error")
    loss_axes.set_title("loss per epoch", fontsize=10)
    loss_axes.legend(fontsize=8)
    figure.suptitle(title, fontsize=11)
    save_figure(figure, path)
    return figure


def save_mistakes_picture(path, x_test, digits_test, outputs, y_test, title):
    """Held-out digits the model got wrong: false fives, then missed fives.

    Each row is one picture of up to 8 digits side by side, which draws far
    faster than a grid of small ones. A kind with no mistakes gets no row;
    the title says so instead.
    """
    said_five = outputs > 0.5
    is_five = y_test == 1
    kinds = [
        ('digits wrongly called "five"', "no digit was wrongly called five", np.flatnonzero(said_five & ~is_five)),
        ("fives it missed", "no five was missed", np.flatnonzero(~said_five & is_five)),
    ]
    rows = [(label, indices) for label, _, indices in kinds if len(indices)]
    title = "; ".join([title, *[none for _, none, indices in kinds if not len(indices)]])
    row_inches, top_inches = 2.0, 0.5
    height = top_inches + row_inches * max(1, len(rows))
    figure = Figure(figsize=(1.2 * MISTAKES_SHOWN_PER_KIND, height), dpi=100)
    figure.suptitle(title, fontsize=11, y=1 - 0.1 / height)
    for row, (label, indices) in enumerate(rows):
        # The digits in one strip, 28 pixels each with 4 blank pixels between them.
        strip = np.zeros((28, 32 * MISTAKES_SHOWN_PER_KIND))
        for column, index in enumerate(indices[:MISTAKES_SHOWN_PER_KIND]):
            strip[:, 32 * column + 2:32 * column + 30] = x_test[index]
        top = 1 - (top_inches + row_inches * row + 0.35) / height
        axes = figure.add_axes((0.02, top - 1.05 / height, 0.96, 1.05 / height))
        axes.imshow(strip, cmap="gray_r", vmin=0, vmax=1, aspect="auto", interpolation="nearest")
        axes.axis("off")
        shown = f", the first {MISTAKES_SHOWN_PER_KIND} shown" if len(indices) > MISTAKES_SHOWN_PER_KIND else ""
        axes.set_title(f"{label}: {len(indices):,}{shown}", fontsize=10)
        for column, index in enumerate(indices[:MISTAKES_SHOWN_PER_KIND]):
            axes.text((column + 0.5) / MISTAKES_SHOWN_PER_KIND, -0.04,
                      f"true {digits_test[index]}\noutput {report.number(outputs[index])}",
                      transform=axes.transAxes, ha="center", va="top", fontsize=8)
    save_figure(figure, path)
    return figure


def save_weights_animation(path, frames, epochs):
    """weights.gif: the 28x28 weights before training and after each epoch, one frame each.

    One colour scale for every frame, so that the weights are seen to grow.
    Drawn with NumPy and Pillow rather than matplotlib: a frame takes about a
    millisecond instead of a tenth of a second.
    """
    finite = [weights for _, weights, _ in frames if np.all(np.isfinite(weights))]
    scale = max([float(np.max(np.abs(weights))) for weights in finite] + [0.0]) or 1.0
    colours = matplotlib.colormaps[WEIGHTS_COLOUR_MAP]
    images = []
    for epoch, weights, held_out in frames:
        image = PIL.Image.new("RGB", (28 * ANIMATION_PIXEL, 28 * ANIMATION_PIXEL + 36), "white")
        draw = PIL.ImageDraw.Draw(image)
        if np.all(np.isfinite(weights)):
            square = colours((weights.reshape(28, 28) / scale + 1) / 2, bytes=True)[..., :3]
            image.paste(PIL.Image.fromarray(square).resize((28 * ANIMATION_PIXEL,) * 2, PIL.Image.Resampling.NEAREST))
        else:
            # The linear unit's weights after they overflowed: say so, rather than show a blank square.
            draw.rectangle((0, 0, 28 * ANIMATION_PIXEL - 1, 28 * ANIMATION_PIXEL - 1), fill=(217, 217, 217))
            draw.multiline_text((14 * ANIMATION_PIXEL, 14 * ANIMATION_PIXEL), "the weights are not numbers:\n"
                                "they overflowed to nan", fill="black", anchor="mm", align="center",
                                font=ANIMATION_FONT)
        caption = "before training" if epoch == 0 else f"epoch {epoch}/{epochs}"
        if held_out is not None:
            caption += f": held-out accuracy {report.percent(held_out)}"
        draw.text((14 * ANIMATION_PIXEL, 28 * ANIMATION_PIXEL + 18), caption, fill="black", anchor="mm",
                  font=ANIMATION_FONT)
        images.append(image)
    # Half a second a frame, and three on the last, before it starts again.
    durations = [500] * (len(images) - 1) + [3000]
    with command_line.writing(path):
        images[0].save(path, save_all=True, append_images=images[1:], duration=durations, loop=0)


def draw(model, history, frames, x_test, y_test, digits_test, folder):
    """Save weights.png, weights.gif, history.png and mistakes.png into folder, and name them.

    frames are the weights before training and after each epoch (see watch.WeightFrames).
    """
    said = report.outputs(model, x_test)
    accuracy = report.count_fives(said, y_test)["accuracy"]
    name = report.model_name(model)
    paths = [os.path.join(folder, file) for file in ("weights.png", "weights.gif", "history.png", "mistakes.png")]
    save_weights_picture(paths[0], model, accuracy)
    save_weights_animation(paths[1], frames, history.params["epochs"])
    save_history_picture(paths[2], history.history, report.always_not_five(y_test), name)
    save_mistakes_picture(paths[3], x_test, digits_test, said, y_test, f"{name}: held-out mistakes")
    command_line.print_written("Pictures written:", paths)
