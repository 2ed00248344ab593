"""Extensions, created unbound and bound to the app in the factory."""

from flask_babel import Babel
from flask_socketio import SocketIO
from flask_wtf import CSRFProtect

from parcours.storage.db import Database

db = Database()
socketio = SocketIO()
babel = Babel()
csrf = CSRFProtect()
