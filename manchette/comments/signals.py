"""Signals sent by the comments app (and only by it).

Receivers are connected by the apps that listen, in their ``AppConfig.ready()``;
this app connects none. Each signal lists the keyword arguments it sends.
"""

from django.dispatch import Signal

#: Sent by ``services.comment_submit`` right after a new comment is stored with
#: status ``pending``, inside the submitting transaction. Receivers (the
#: moderation app) decide whether it stays pending or changes status, by calling
#: ``services.comment_set_status``. Receivers are called with ``send_robust``: an
#: exception is logged, every write made by the receivers is rolled back and the
#: comment stays pending. Not sent for duplicates.
#:
#: Arguments:
#:   ``sender``  -- the comment model class.
#:   ``comment`` -- the stored comment instance (``status == "pending"``).
#:   ``request`` -- the ``HttpRequest`` that posted it, or ``None`` (imports,
#:                  API clients, management commands).
comment_submitted = Signal()

#: Sent by ``services.comment_set_status`` (and the helpers built on it) after a
#: comment's status changed and was saved, inside the same transaction. Not sent
#: when the new status equals the old one.
#:
#: Arguments:
#:   ``sender``     -- the comment model class.
#:   ``comment``    -- the comment instance, already saved with the new status.
#:   ``old_status`` -- the previous status value (``str``).
#:   ``new_status`` -- the new status value (``str``).
#:   ``actor``      -- the user who made the change, or ``None`` for automatic
#:                     decisions (the moderation engine, commands).
#:   ``reason``     -- a free-text reason (``str``, may be empty).
comment_status_changed = Signal()

#: Sent by ``flags.comment_flag`` after a reader's flag was stored, inside the
#: same transaction. Not sent when the same flagger flags the same comment
#: again. The comment's status is not changed here: receivers (the moderation
#: app) decide whether to put it back in the review queue.
#:
#: Arguments:
#:   ``sender``  -- the comment model class.
#:   ``comment`` -- the flagged comment instance.
#:   ``flag``    -- the stored ``CommentFlag`` (``reason``, ``note``).
#:   ``count``   -- how many flags the comment now has (``int``).
comment_flagged = Signal()

#: Sent by ``tokens.comment_edit`` after an author edited their own comment.
#: The new body and ``edited_at`` are saved and the comment was put back to
#: ``pending`` (``comment_status_changed`` was sent if it was approved), so an
#: edit is never published before moderation looked at it again. Receivers call
#: ``services.comment_set_status`` to approve it; like ``comment_submitted`` they
#: are called with ``send_robust`` and a failing receiver's writes are rolled back.
#:
#: Arguments:
#:   ``sender``     -- the comment model class.
#:   ``comment``    -- the edited comment instance (``status == "pending"``).
#:   ``old_body``   -- the text before the edit (``str``).
#:   ``old_status`` -- the status before the edit (``str``).
#:   ``request``    -- the ``HttpRequest`` of the edit, or ``None``.
comment_edited = Signal()

#: Sent after stored comments changed in place without a status change: a
#: privacy erasure anonymised them (``privacy_requests.erase_email``) or an
#: import stored them directly with their final status
#: (``services.comment_import``). Inside the same transaction. Caches of the
#: pages showing them must be dropped (the ops app listens).
#:
#: Arguments:
#:   ``sender``   -- the comment model class.
#:   ``comments`` -- the changed comment instances (``list``); each has
#:                   ``content_type_id`` and ``object_pk``.
comments_changed = Signal()
